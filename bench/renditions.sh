#!/usr/bin/env bash
# Media pipeline benchmark: one 12-megapixel JPEG through the upload check
# and clean-up, then the rendition job's work, repeated; prints the times,
# renditions per second and the peak memory. Usage: bench/renditions.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet -p dateline-web --example renditions
exec target/release/examples/renditions "${1:-5}"
