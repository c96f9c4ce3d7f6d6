#!/usr/bin/env bash
# Installs the Debian packages the local stack and the tests need, only when something is missing.
# On a machine that has everything this takes well under a second: it only checks.
set -euo pipefail

missing=()

# A tool found on PATH counts, wherever it came from (a JDK or node from another source is fine).
need_command() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }
# Packages whose files we use directly (libraries, daemons outside PATH) are checked with dpkg.
need_package() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed' || missing+=("$1")
}

need_command java default-jre-headless
need_command node nodejs
need_command npm npm
need_command openssl openssl
need_command socat socat
need_command chromium chromium
need_package mosquitto
need_package softhsm2
# The bridge agent's card reader: pcscd with vsmartcard's virtual reader for tests; pyscard builds
# against libpcsclite with swig.
need_package pcscd
need_package vsmartcard-vpcd
need_package libpcsclite-dev
need_command swig swig
# A CJK font, so the console's Chinese shows in headless chromium's screenshots (tests/browser).
need_package fonts-wqy-zenhei
# Time zones: tenants keep their own, and the suite runs under a machine zone far from UTC.
need_package tzdata
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)

if ((${#missing[@]} == 0)); then
  exit 0
fi

if ((EUID != 0)); then
  echo "install-system: missing Debian packages: ${missing[*]}" >&2
  echo "install-system: run as root (or: sudo apt-get install ${missing[*]})" >&2
  exit 1
fi

echo "install-system: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"

# Debian's mosquitto package ships a system service; our broker runs from its own config on other
# ports, but a system broker left running would hold 1883. Stop it and keep it from starting again.
if [[ " ${missing[*]} " == *" mosquitto "* ]]; then
  if command -v systemctl >/dev/null 2>&1 && [[ -d /run/systemd/system ]]; then
    systemctl disable --now mosquitto.service >/dev/null 2>&1 || true
  else
    service mosquitto stop >/dev/null 2>&1 || true
    update-rc.d mosquitto disable >/dev/null 2>&1 || true
  fi
fi
