#!/usr/bin/env bash
# Installs Debian's Chromium and ChromeDriver when either is missing: the browser test of the operator's
# status page (e2e-tests, StatusPageBrowserTest) drives them. Needs root (apt-get), as CI runs.
set -euo pipefail

if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
    exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
    echo "chromium or chromedriver is missing; as root: apt-get update && apt-get install -y chromium chromium-driver" >&2
    exit 1
fi
apt-get update -q
apt-get install -y -q chromium chromium-driver
