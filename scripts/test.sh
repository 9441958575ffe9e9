#!/usr/bin/env bash
# Installs nosurprises with its test tools, starts a throwaway PostgreSQL for the store
# tests, and runs the whole test suite (slow and PostgreSQL tests included) in two processes
# (pytest-xdist): the tests keep their stores, homes and databases apart.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --dev

if [ -z "${NOSURPRISES_TEST_PG_URL:-}" ] && command -v pg_ctlcluster >/dev/null && [ "$(id -u)" -eq 0 ]; then
  version=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
  pg_lsclusters -h | grep -q "^$version main" || pg_createcluster "$version" main >/dev/null
  pg_ctlcluster "$version" main start 2>/dev/null || true
  for _ in $(seq 1 30); do pg_isready -q && break; sleep 1; done
  su postgres -c "psql -qtc \"SELECT 1 FROM pg_roles WHERE rolname='nosurprises'\"" | grep -q 1 \
    || su postgres -c "psql -qc \"CREATE ROLE nosurprises LOGIN PASSWORD 'nosurprises' CREATEDB\""
  # Test databases are dropped WITH (FORCE), which may end a lingering connection.
  su postgres -c "psql -qc \"GRANT pg_signal_backend TO nosurprises\"" >/dev/null
  export NOSURPRISES_TEST_PG_URL="postgresql+psycopg://nosurprises:nosurprises@127.0.0.1:5432/postgres"
fi

export NOSURPRISES_HOME="$(mktemp -d)"
# Files go out in the order the suite's conftest gives them (those with slow tests first), not
# by how many tests each holds, so that no long file is left running alone at the end.
python3 -m pytest -q -n 2 --dist loadfile --no-loadscope-reorder "$@"
