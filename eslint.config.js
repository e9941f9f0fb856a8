import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'child_process',
  'crypto',
  'http',
  'https',
  'net',
  'url',
  'util',
  'stream',
  'stream/*',
  'worker_threads',
  'zlib',
  'events',
  'buffer',
  'process',
  'module',
  'tls',
  'dns',
  'readline',
  'v8',
  'vm',
];

// The process boundaries, made mechanical: the renderer and shared code can reach neither
// Electron nor Node, and only the preload may touch ipcRenderer.
const noElectronNoNode = {
  patterns: [
    {
      group: ['electron', 'electron/*'],
      message: 'Only electron/main.ts and electron/preload.ts may import electron.',
    },
    {
      group: nodeBuiltins,
      message:
        'renderer/ and shared/ must not use Node built-ins: they run in the sandboxed page too.',
    },
    {
      group: ['**/electron/**', '../electron', '../../electron'],
      message: 'Reach main-side code through the contract, not by import.',
    },
  ],
};

// Everything under electron/ ships in the app (the sandbox too, for rehearsals): test code and
// test tools stay out of it.
const noTestCode = {
  group: [
    '**/test/**',
    '../test',
    '../../test',
    'vitest',
    'vitest/*',
    '@testing-library/*',
    'playwright*',
  ],
  message: 'electron/ ships with the app: it must not import test code or test tools.',
};

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'test-output/**', 'node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='ipcRenderer']",
          message: 'Only the preload may use ipcRenderer.',
        },
      ],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] },
    },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: { 'no-restricted-imports': ['error', noElectronNoNode] },
  },
  {
    files: ['shared/**'],
    rules: { 'no-restricted-imports': ['error', noElectronNoNode] },
  },
  {
    // Main-side services must not import electron either: they run under plain Node in the CLI and tests.
    files: ['electron/**'],
    ignores: ['electron/main.ts', 'electron/preload.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message:
                'Services take what they need as parameters; only main.ts and preload.ts import electron.',
              allowTypeImports: true,
            },
          ],
          patterns: [noTestCode],
        },
      ],
    },
  },
  {
    files: ['electron/main.ts', 'electron/preload.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noTestCode] }] },
  },
  {
    // Settings come in through the entry points (the app, the CLI, the sandbox's command and the
    // data-folder resolver), which pass values down: a service that read the environment would
    // let a stray OMNIGAGE_API_KEY override the keychain profile in the desktop app.
    files: ['electron/**', 'shared/**', 'renderer/**'],
    ignores: [
      'electron/main.ts',
      'electron/paths.ts',
      'electron/cli/entry.ts',
      'electron/sandbox/cli.ts',
    ],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Only the entry points read process.env; take the value as a parameter.',
        },
      ],
    },
  },
  {
    files: ['electron/preload.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['test/e2e/transport-preload.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
