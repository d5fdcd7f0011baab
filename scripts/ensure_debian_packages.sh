#!/bin/sh
# Install the Debian packages `make` needs when they are missing, if we may (root, or sudo without
# a password); otherwise stop at once with the one command to run. Arguments: PACKAGE=PATH pairs,
# where PATH exists once PACKAGE is installed.
#   scripts/ensure_debian_packages.sh chromium=/usr/bin/chromium chromium-driver=/usr/bin/chromedriver
set -eu
missing=""
for pair in "$@"; do
    package=${pair%%=*}
    path=${pair#*=}
    [ -e "$path" ] || missing="$missing $package"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo="sudo"
else
    echo "error: missing Debian packages:$missing. Run: sudo apt-get install -y$missing" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: missing packages:$missing, and this system has no apt-get: install them with its package manager" >&2
    exit 1
fi
echo "installing Debian packages:$missing (about 30 s)"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
