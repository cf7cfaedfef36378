#!/usr/bin/env bash
# Benchmark (not a test): release size and time to interactive, written to bench/RESULTS.md.
# Needs the tools ./dev.sh installs. Usage: bench/run.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/layerlab/target}"
export PATH="$PWD/e2e/node_modules/.bin:$HOME/.cargo/bin:$PATH"
trunk build --release
cargo build --release -q -p layerlab-engine --example throughput
# The same, hashing in software (no SHA instructions, as in wasm): its own target dir, one build at a time.
soft="$CARGO_TARGET_DIR/soft-sha"
RUSTFLAGS='--cfg sha2_backend="soft"' CARGO_TARGET_DIR="$soft" cargo build --release -q -p layerlab-engine --example throughput
# Two floors, through one pipeline (wasm-opt -Os, as Trunk builds the page) with the page:
# the engine alone, and Leptos alone. They show what the size budget meets.
# The engine's floor has no wasm-bindgen: its JavaScript is the loader beside it.
floor="$CARGO_TARGET_DIR/floor"
for crate in engine-only leptos-only; do
    CARGO_TARGET_DIR="$floor" cargo build --release -q --offline --target wasm32-unknown-unknown --manifest-path "bench/floor/$crate/Cargo.toml"
done
for raw in "$floor/wasm32-unknown-unknown/release/floor_engine_only.wasm" "$floor/wasm32-unknown-unknown/release/floor_leptos_only.wasm" "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/layerlab-web.wasm"; do
    name="$(basename "$raw" .wasm)"
    rm -rf "$floor/out/$name" && mkdir -p "$floor/out/$name"
    if [ "$name" = floor_engine_only ]; then
        cp "$raw" "$floor/out/$name/${name}_bg.wasm"
        cp bench/floor/engine-only/floor_engine_only.js "$floor/out/$name/"
    else
        wasm-bindgen --target web --out-dir "$floor/out/$name" "$raw"
    fi
    wasm-opt -Os --all-features "$floor/out/$name/${name}_bg.wasm" -o "$floor/out/$name/${name}_bg.wasm"
done
node bench/bench.mjs \
    --native "$CARGO_TARGET_DIR/release/examples/throughput" \
    --native-soft "$soft/release/examples/throughput" \
    --dist dist \
    --raw-wasm "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/layerlab-web.wasm" \
    --floors "$floor/out" \
    --runs "${1:-9}" \
    --out bench/RESULTS.md
