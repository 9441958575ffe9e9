#!/usr/bin/env bash
# Installs what nosurprises needs on a fresh Debian machine: the readers' tools (tesseract
# for OCR, LibreOffice for legacy Word, poppler) and the Python package. With --dev, also
# PostgreSQL for the store tests and the package's development extras.
set -euo pipefail
cd "$(dirname "$0")/.."

debs=(tesseract-ocr tesseract-ocr-eng poppler-utils libreoffice-writer-nogui)
package=.
if [ "${1:-}" = "--dev" ]; then
  debs+=(postgresql)
  package='.[dev]'
fi
missing=()
for deb in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$deb" 2>/dev/null | grep -q "install ok installed" || missing+=("$deb")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  echo "installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python3 -m pip install -q --disable-pip-version-check -e "$package"
