#!/usr/bin/env bash
# Layer Lab's two set-up commands (see README):
#   ./dev.sh serve   install what is missing, serve the page on http://127.0.0.1:8080
#   ./dev.sh test    install what is missing, run every test (native, wasm in Chromium, end to end)
# (./dev.sh build only builds the release site into dist/, for the GitHub Pages workflow.)
# Both are idempotent: each tool is installed only when the pinned version is absent.
# Everything comes from the package registries (crates.io, Debian, npm); nothing else is downloaded.
set -euo pipefail
cd "$(dirname "$0")"

TRUNK_VERSION=0.21.14      # 0.22 needs a newer rustc than 1.95
WASM_PACK_VERSION=0.15.1
# wasm-bindgen's CLI must equal the wasm-bindgen crate in Cargo.lock.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)

# One cargo target dir outside the clone, reused by every clone on this machine (CI's too).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/layerlab/target}"
export PATH="$PWD/e2e/node_modules/.bin:$HOME/.cargo/bin:$PATH"

say() { printf '\n==> %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# cargo_tool BIN VERSION CRATE [cargo install flags…]
cargo_tool() {
    local bin=$1 version=$2 crate=$3; shift 3
    if "$bin" --version 2>/dev/null | grep -qF " $version"; then return; fi
    say "installing $crate $version (cargo install)"
    cargo install "$@" "$crate@$version"
}

install_tools() {
    if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
        say "adding the wasm32-unknown-unknown target"
        rustup target add wasm32-unknown-unknown
    fi
    # No --locked for wasm-bindgen-cli: its lock file names a crate version the registry lacks.
    cargo_tool wasm-bindgen "$WASM_BINDGEN_VERSION" wasm-bindgen-cli
    cargo_tool trunk "$TRUNK_VERSION" trunk --locked
    if [ "${1:-}" = test ]; then
        cargo_tool wasm-pack "$WASM_PACK_VERSION" wasm-pack --locked
        # Chromium for the browser tests; skopeo and umoci judge the archives we export.
        if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] || ! command -v skopeo >/dev/null || ! command -v umoci >/dev/null; then
            say "installing Debian's chromium, chromium-driver, skopeo, umoci"
            as_root apt-get update -qq
            as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver skopeo umoci
        fi
    fi
    # npm: binaryen 132's wasm-opt for Trunk (Debian's 108 breaks the app), playwright-core for e2e.
    if [ ! -f e2e/node_modules/.package-lock.json ] || [ e2e/package-lock.json -nt e2e/node_modules/.package-lock.json ]; then
        say "installing npm packages (e2e/)"
        (cd e2e && npm ci --no-audit --no-fund)
    fi
    cargo fetch --locked   # Trunk builds offline
}

case "${1:-}" in
serve)
    install_tools serve
    say "serving on http://127.0.0.1:8080 (Ctrl-C stops)"
    exec trunk serve --release
    ;;
build)
    install_tools build
    trunk build --release
    ;;
test)
    install_tools test
    say "engine: native tests"
    cargo test --locked -p layerlab-engine
    say "wasm: engine and components in headless Chromium (wasm-pack)"
    wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver
    say "release build"
    trunk build --release
    say "end to end: the release build in headless Chromium"
    (cd e2e && node --test)
    say "all tests passed"
    ;;
*)
    echo "usage: $0 serve|test|build" >&2
    exit 2
    ;;
esac
