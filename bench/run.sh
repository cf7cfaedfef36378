#!/usr/bin/env bash
# Benchmark (not a test): release size and time to interactive, written to bench/RESULTS.md.
# Needs the tools ./dev.sh installs. Usage: bench/run.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/layerlab/target}"
export PATH="$PWD/e2e/node_modules/.bin:$HOME/.cargo/bin:$PATH"
trunk build --release
cargo build --release -q -p layerlab-engine --example throughput
node bench/bench.mjs \
    --native "$CARGO_TARGET_DIR/release/examples/throughput" \
    --dist dist \
    --raw-wasm "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/layerlab-web.wasm" \
    --runs "${1:-9}" \
    --out bench/RESULTS.md
