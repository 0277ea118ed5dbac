#!/usr/bin/env bash
# Set up a fresh machine: Debian CJK fonts when missing, then .venv with nianbao installed.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! fc-list :lang=zh 2>/dev/null | grep -qi -e "noto.*cjk" -e "wqy"; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk fonts-wqy-zenhei fontconfig >/dev/null
  else
    echo "setup: CJK fonts missing; install fonts-noto-cjk and fonts-wqy-zenhei (needs root)" >&2
  fi
fi
# Debian chromium + its driver: the tests that open report.html and the review page in a headless browser.
if ! { [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; }; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    echo "setup: chromium missing; install chromium and chromium-driver (needs root) for the browser test" >&2
  fi
fi
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e '.[test,ray]'
echo "setup: ready (.venv/bin/nianbao)"
