#!/bin/sh
# Install the Debian packages `make` needs when they are missing, if we may (root, or sudo without
# a password); otherwise stop at once with the one command to run. Arguments: PACKAGE=PATH pairs,
# where PATH exists once PACKAGE is installed.
#   scripts/ensure_debian_packages.sh chromium=/usr/bin/chromium chromium-driver=/usr/bin/chromedriver
# Packages that ship a service (virtuoso-opensource) must not start it: the tests start their own
# server on free ports, and a container without systemd can hang in a postinst that starts one.
# So, unless the system already has one, a policy-rc.d that forbids starting services is put in
# place for the install and removed afterwards.
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
echo "installing Debian packages:$missing (about 1 min)"
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
    $sudo sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 755 $policy"
    trap '$sudo rm -f "$policy"' EXIT
fi
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
