// electron-builder configuration (`npm run dist`). Native addons (better-sqlite3, keytar) are
// Node-API builds, so no rebuild for Electron is needed and none is attempted.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- electron-builder loads this file as CommonJS
const { signingPlan } = require('./signing.cjs');

const signing = signingPlan(process.env);
for (const line of signing.lines) console.log(line);

/** @type {import('electron-builder').Configuration} */
module.exports = {
  appId: 'io.omnigage.campaigns',
  productName: 'Omnigage Campaigns',
  executableName: 'omnigage-campaigns',
  copyright: 'Copyright © 2026 Omnigage Campaigns',
  directories: { output: 'release', buildResources: 'build' },
  files: ['dist/electron/**', 'dist/renderer/**', 'package.json', '!**/*.map'],
  asar: true,
  // .node files cannot be loaded from inside an asar archive.
  asarUnpack: ['**/*.node'],
  npmRebuild: false,
  // Hardened after packing: the packaged binary cannot be turned into a plain Node, cannot be
  // steered with NODE_OPTIONS or --inspect, runs only the app from its integrity-checked asar,
  // and gives file:// pages no extra privileges (the window is served from app://, main.ts).
  electronFuses: {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    // Only the CI build the Electron end-to-end test drives (OMNIGAGE_E2E_INSPECTABLE=1, never
    // shipped) keeps --inspect, which Playwright attaches through; every other fuse is the same.
    enableNodeCliInspectArguments: process.env.OMNIGAGE_E2E_INSPECTABLE === '1',
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    grantFileProtocolExtraPrivileges: false,
  },
  icon: 'build/icon.png',
  // Updates (electron-updater) come from a generic feed: the files electron-builder writes next
  // to the installers (latest.yml …) served over https. OMNIGAGE_UPDATE_URL points a build at
  // another feed; an organisation's policy file can point installed copies elsewhere or turn
  // updates off (electron/policy.ts).
  publish: [
    {
      provider: 'generic',
      url: process.env.OMNIGAGE_UPDATE_URL || 'https://updates.omnigage-campaigns.example/stable/',
    },
  ],
  win: { target: ['nsis', 'msi'] },
  // The assisted installer lets a person choose "just me" or "everyone on this computer"; IT
  // installs silently per machine with `/S /allusers` (README, "Deploying in an organisation").
  nsis: {
    oneClick: false,
    perMachine: false,
    allowElevation: true,
    allowToChangeInstallationDirectory: true,
  },
  // The MSI is per machine, for deployment tools (msiexec /i … /qn).
  msi: { perMachine: true, oneClick: true },
  mac: {
    target: ['dmg', 'zip'],
    category: 'public.app-category.business',
    hardenedRuntime: true,
    // Without a certificate the app is left unsigned rather than ad-hoc signed by accident.
    identity: signing.macSign ? undefined : null,
    notarize: signing.notarize,
  },
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Office',
    maintainer: 'Omnigage Campaigns team <support@omnigage.example>',
    synopsis: 'Prepare voice campaigns offline and send them with one click',
  },
};
