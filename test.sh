#!/usr/bin/env bash
# Sets up everything the tests need on a fresh Debian machine and runs them.
#   - Debian packages: LibreOffice (Word -> PDF), Graphviz (資料N-1 drawings), Japanese fonts, Chromium (browser tests),
#     poppler, npm
#     (installed with apt when missing and this runs as root)
#   - a virtualenv in .venv with fugi and its test extras
#   - axe-core (the accessibility tests' engine) from npm, pinned in package-lock.json, into node_modules/
set -euo pipefail
cd "$(dirname "$0")"

need=()
command -v soffice >/dev/null || need+=(libreoffice-writer-nogui)
command -v chromium >/dev/null || need+=(chromium)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
command -v dot >/dev/null || need+=(graphviz)
fc-list 2>/dev/null | grep -q IPAex || need+=(fonts-ipaexfont fontconfig)
command -v npm >/dev/null || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    else
        echo "missing Debian packages: ${need[*]} (run as root, or: sudo apt-get install ${need[*]})" >&2
        exit 1
    fi
fi

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -e ".[test,bench]"
# npm writes node_modules/.package-lock.json on every install: newer than the lock file = up to date
[ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error
# the stock archive has no warnings: intended wording is marked 原本どおり, placeholders are filled
.venv/bin/python build.py check --strict
exec .venv/bin/python -m pytest "$@"
