#!/usr/bin/env bash
# The push benchmark (BENCHMARKS.md, "push"): 10,000 merges against the
# local HubSpot emulator at its rate limit (1,000 requests per second).
#
#   bench/push.sh [MERGES] [PER_SECOND]      default: 10000 1000
#   BIN=path/to/contact-merge                 measure another build
#   PROFILE=release                           build and measure release
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${PROFILE:-dev}
if [ "$profile" = release ]; then
  cargo build --release --quiet --bin contact-merge --example push_bench
  dir=target/release
else
  cargo build --quiet --bin contact-merge --example push_bench
  dir=target/debug
fi
bin=${BIN:-$dir/contact-merge}
"$dir/examples/push_bench" "$bin" "${1:-10000}" "${2:-1000}"
