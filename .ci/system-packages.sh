#!/usr/bin/env bash
# Installs the Debian packages named as arguments when they are missing: with apt-get when we are
# root, otherwise it prints the exact command and stops.
set -euo pipefail

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "Let op: geen Debian-systeem; zorg zelf voor: $*" >&2
  exit 0
fi

missing=()
for package in "$@"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  echo "Systeempakketten installeren: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Er ontbreken systeempakketten. Installeer ze met:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
