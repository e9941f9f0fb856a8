// electron-builder configuration (`npm run dist`). Native addons (better-sqlite3, keytar) are
// Node-API builds, so no rebuild for Electron is needed and none is attempted.
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
  // steered with NODE_OPTIONS or --inspect, and runs only the app from its integrity-checked asar.
  electronFuses: {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
  },
  icon: 'build/icon.png',
  win: { target: ['nsis'] },
  nsis: { oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true },
  mac: { target: ['dmg'], category: 'public.app-category.business', hardenedRuntime: true },
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Office',
    maintainer: 'Omnigage Campaigns team <support@omnigage.example>',
    synopsis: 'Prepare voice campaigns offline and send them with one click',
  },
};
