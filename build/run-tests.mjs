#!/usr/bin/env node
// `npm test`: every check the project has, in one command, ending with the line CI reads:
// "N passed, N failed". Typecheck, svelte-check, lint, the unused-code check (knip) and the
// format check (prettier) count as one check each; every vitest test (node services, jsdom
// components, browser end-to-end) counts as itself.
//
// On Linux, when dbus-run-session and gnome-keyring are installed, vitest runs inside a private
// D-Bus session with a fresh, unlocked keyring, so the keychain integration tests use a real
// Secret Service without touching the developer's own keyring. Elsewhere those tests say why
// they skip.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = (name) => join('node_modules', '.bin', name);
const outDir = 'test-output';
mkdirSync(outDir, { recursive: true });

let passed = 0;
let failed = 0;
const failures = [];

function run(label, command, args, options = {}) {
  const started = Date.now();
  console.log(`\n▶ ${label}`);
  // node_modules/.bin holds .cmd shims on Windows, which only a shell can start.
  const result = spawnSync(command, args, {
    stdio: 'inherit',
    shell: process.platform === 'win32',
    ...options,
  });
  const ok = result.status === 0;
  console.log(`${ok ? '✔' : '✘'} ${label} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return ok;
}

function check(label, command, args) {
  if (run(label, command, args)) passed += 1;
  else {
    failed += 1;
    failures.push(label);
  }
}

check('typecheck (tsc)', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']);
check('typecheck (svelte-check)', bin('svelte-check'), [
  '--tsconfig',
  './tsconfig.json',
  '--fail-on-warnings',
  '--output',
  'human',
]);
check('lint (eslint)', bin('eslint'), ['.']);
// Files, exports and dependencies nobody uses (knip.jsonc names the entry points).
check('unused code (knip)', bin('knip'), []);
// Formatting is part of the code: `npm run format` fixes what this finds (.prettierrc).
check('format (prettier --check)', bin('prettier'), ['--check', '.']);

const has = (tool) =>
  spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
const report = join(outDir, 'vitest.json');
rmSync(report, { force: true });
const vitestArgs = [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...process.argv.slice(2),
];

let keyringHome;
if (process.platform === 'linux' && has('dbus-run-session') && has('gnome-keyring-daemon')) {
  keyringHome = mkdtempSync(join(tmpdir(), 'omnigage-keyring-'));
  const script =
    'eval "$(printf %s ci-pass | gnome-keyring-daemon --unlock --components=secrets)"; exec "$@"';
  run(
    'vitest (inside a private D-Bus session with a fresh gnome-keyring)',
    'dbus-run-session',
    ['--', 'sh', '-c', script, 'sh', bin('vitest'), ...vitestArgs],
    {
      env: { ...process.env, XDG_DATA_HOME: keyringHome },
    },
  );
} else {
  console.log(
    '\nNo dbus-run-session/gnome-keyring here: keychain integration tests will say why they skip.',
  );
  run('vitest', bin('vitest'), vitestArgs);
}
if (keyringHome) rmSync(keyringHome, { recursive: true, force: true });

if (existsSync(report)) {
  const summary = JSON.parse(readFileSync(report, 'utf8'));
  passed += summary.numPassedTests;
  failed += summary.numFailedTests;
  // A file that fails to load has no tests to count; count it as a failure rather than hide it.
  const brokenSuites = summary.testResults.filter(
    (file) => file.status === 'failed' && file.assertionResults.length === 0,
  );
  failed += brokenSuites.length;
  for (const file of summary.testResults) {
    for (const test of file.assertionResults)
      if (test.status === 'failed') failures.push(`${file.name}: ${test.fullName}`);
  }
  for (const file of brokenSuites)
    failures.push(`${file.name}: ${file.message || 'failed to run'}`);
} else {
  failed += 1;
  failures.push('vitest produced no report');
}

if (failures.length > 0) {
  console.log('\nFailed:');
  for (const f of failures) console.log(`  - ${f}`);
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
