#!/usr/bin/env bash
# Runs the Electron end-to-end test. On Linux it needs a display (xvfb) and a Secret Service for
# keytar: a private D-Bus session with a fresh, unlocked gnome-keyring, as `npm test` makes.
set -euo pipefail
test_cmd=(npx vitest run test/e2e/electron-app.test.ts)
if [ "$(uname -s)" = "Linux" ]; then
  keyring_home=$(mktemp -d)
  XDG_DATA_HOME="$keyring_home" xvfb-run --auto-servernum dbus-run-session -- sh -c \
    'eval "$(printf %s ci-pass | gnome-keyring-daemon --unlock --components=secrets)"; exec "$@"' sh "${test_cmd[@]}"
else
  "${test_cmd[@]}"
fi
