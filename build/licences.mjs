// Writes dist/electron/licences.json: the open-source packages the app ships (the production
// dependencies and everything they pull in, and the Svelte runtime compiled into the page), each
// with its version, licence and licence text, for Settings → About → "Open-source licences".
// Run by `npm run build:electron`; read by the installed app's main process.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function collectLicences(root = process.cwd()) {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const packages = lock.packages ?? {};
  const seen = new Map();

  // Resolves a dependency the way Node does: the nearest node_modules up from the dependent.
  const resolve = (from, name) => {
    for (let dir = from; ; dir = dirname(dir)) {
      const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`;
      if (packages[candidate]) return candidate;
      if (!dir || dir === '.')
        return packages[`node_modules/${name}`] ? `node_modules/${name}` : null;
    }
  };
  const visit = (key) => {
    if (!key || seen.has(key)) return;
    const entry = packages[key];
    if (!entry) return;
    seen.set(key, entry);
    for (const dep of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies }))
      visit(resolve(key, dep));
  };
  // The page bundles Svelte's runtime although Svelte is a build tool for the project.
  for (const name of [...Object.keys(manifest.dependencies ?? {}), 'svelte'])
    visit(resolve('', name));

  const list = [];
  for (const [key, entry] of seen) {
    const name = entry.name ?? key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const dir = join(root, key);
    let text = '';
    if (existsSync(dir)) {
      const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
      if (file) text = readFileSync(join(dir, file), 'utf8').slice(0, 20_000);
    }
    list.push({
      name,
      version: entry.version ?? '',
      license: entry.license ?? 'see the package',
      text,
    });
  }
  list.sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
  return list;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const licences = collectLicences();
  mkdirSync('dist/electron', { recursive: true });
  writeFileSync('dist/electron/licences.json', JSON.stringify(licences));
  console.log(`wrote dist/electron/licences.json (${licences.length} packages)`);
}
