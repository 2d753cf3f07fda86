#!/usr/bin/env bash
# Installs Debian's Chromium for the page's end-to-end test (test/web/page.test.ts), as root, as CI runs.
# Safe to run again. playwright-core drives it through executablePath; no browser is downloaded by npm.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
echo "[chromium] $(chromium --version 2>/dev/null || echo 'installed')"
