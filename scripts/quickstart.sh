#!/usr/bin/env bash
# Installs nosurprises, reads the bundled sample papers into the embedded SQLite store
# (in ./.quickstart unless NOSURPRISES_HOME is set) and shows what it flagged.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
export NOSURPRISES_HOME="${NOSURPRISES_HOME:-$PWD/.quickstart}"
nosurprises ingest samples/ --source samples
nosurprises flagged
