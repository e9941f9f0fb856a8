// Signing and notarisation come from environment variables set by CI (see
// .github/workflows/ci.yml and the README's "Packaging"). When they are absent the build goes on
// unsigned and says so in one line per platform, so a developer's `npm run dist` still works.
//
//   Windows  WIN_CSC_LINK (base64 .pfx or a path) + WIN_CSC_KEY_PASSWORD   Authenticode
//   macOS    CSC_LINK (base64 .p12 or a path) + CSC_KEY_PASSWORD           Developer ID signing
//            APPLE_API_KEY (path to .p8) + APPLE_API_KEY_ID + APPLE_API_ISSUER   notarisation
//
// electron-builder reads these variables itself; this module decides what to ask of it and
// what to tell the person building.

/** @param {Record<string, string | undefined>} env */
function signingPlan(env) {
  const has = (...names) => names.every((name) => Boolean(env[name] && env[name].trim()));
  const windows = has('WIN_CSC_LINK', 'WIN_CSC_KEY_PASSWORD');
  const macSign = has('CSC_LINK', 'CSC_KEY_PASSWORD');
  const notarize = macSign && has('APPLE_API_KEY', 'APPLE_API_KEY_ID', 'APPLE_API_ISSUER');
  return {
    windows,
    macSign,
    notarize,
    lines: [
      windows
        ? 'signing: Windows installers are signed (WIN_CSC_LINK)'
        : 'signing: skipped for Windows: WIN_CSC_LINK and WIN_CSC_KEY_PASSWORD are not set',
      macSign
        ? 'signing: macOS app is signed (CSC_LINK)'
        : 'signing: skipped for macOS: CSC_LINK and CSC_KEY_PASSWORD are not set',
      notarize
        ? 'notarisation: macOS app is notarised (APPLE_API_KEY)'
        : 'notarisation: skipped: needs macOS signing and APPLE_API_KEY, APPLE_API_KEY_ID, APPLE_API_ISSUER',
    ],
  };
}

module.exports = { signingPlan };
