#!/usr/bin/env bash
# Quick start 1: set up, ingest the bundled demo data into SQLite, build the index, serve.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. .venv/bin/activate
exec innomatch demo "$@"
