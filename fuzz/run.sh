#!/usr/bin/env bash
# Run one cargo-fuzz target with a seed corpus built from fixtures/.
#
#   fuzz/run.sh TARGET [RUNS] [LIBFUZZER_FLAGS...]
#
# TARGET is json, ndjson, csv, plan, journal, roundtrip or stream; RUNS is the number
# of executions (default 10000000; -1 runs until stopped). Extra arguments go
# to libFuzzer, e.g. `fuzz/run.sh csv -1 -max_total_time=600`.
#
# The corpus is fuzz/corpus/TARGET (not committed). Each run first copies in
# the committed seeds (fuzz/seeds/), the fixtures of the target's format
# (fixtures/, fixtures/odd/, fixtures/bad/) and the crash inputs kept as
# regression tests (fuzz/regressions/). Crashes land in
# fuzz/artifacts/TARGET/. One target at a time uses one core.
#
# The build is optimised with debug assertions and overflow checks on, and
# no sanitizer (the code under test is safe Rust; a panic is what we look
# for). cargo-fuzz needs nightly flags: with only a stable toolchain,
# RUSTC_BOOTSTRAP=1 unlocks them (set FUZZ_TOOLCHAIN=nightly to use a
# nightly toolchain instead).
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?usage: fuzz/run.sh TARGET [RUNS] [LIBFUZZER_FLAGS...]}
runs=${2:-10000000}
shift $(($# < 2 ? $# : 2))
fixtures=../fixtures

case $target in
json) seeds=(json) globs=("*.json") dicts=(json) ;;
ndjson) seeds=(ndjson) globs=("*.ndjson" "*.jsonl") dicts=(json) ;;
csv) seeds=(csv) globs=("*.csv") dicts=(csv) ;;
plan) seeds=(plan) globs=("plan*.csv" "plan*.json") dicts=(csv json) ;;
journal) seeds=(journal) globs=("*journal*.jsonl") dicts=(json) ;;
roundtrip) seeds=(json ndjson csv) globs=("*.json" "*.ndjson" "*.jsonl" "*.csv") dicts=(json csv) ;;
stream) seeds=() globs=() dicts=(json csv) ;;
*)
    echo "unknown target $target (json, ndjson, csv, plan, journal, roundtrip, stream)" >&2
    exit 2
    ;;
esac

corpus=corpus/$target
mkdir -p "$corpus" "artifacts/$target"
shopt -s nullglob
for s in "${seeds[@]}"; do
    for f in seeds/"$s"/*; do cp "$f" "$corpus/seed-$s-$(basename "$f")"; done
done
for dir in "$fixtures" "$fixtures/odd" "$fixtures/bad"; do
    for g in "${globs[@]}"; do
        for f in "$dir"/$g; do
            cp "$f" "$corpus/fixture-$(basename "$dir")-$(basename "$f")"
        done
    done
done
if [[ $target == stream ]]; then
    # The first byte picks the format (8: JSON; else even: CSV, odd: JSON
    # Lines) and the options (2: --keep-going, 4: a pair naming a
    # merged-away id).
    for dir in "$fixtures" "$fixtures/odd" seeds/csv seeds/ndjson seeds/json; do
        for f in "$dir"/*.csv; do
            for b in 0 6; do
                { printf "\\x0$b"; cat "$f"; } >"$corpus/fixture-$b-$(basename "$f")"
            done
        done
        for f in "$dir"/*.ndjson; do
            for b in 1 7; do
                { printf "\\x0$b"; cat "$f"; } >"$corpus/fixture-$b-$(basename "$f")"
            done
        done
        for f in "$dir"/*.json; do
            for b in 08 0e; do
                { printf "\\x$b"; cat "$f"; } >"$corpus/fixture-$b-$(basename "$f")"
            done
        done
    done
fi
for f in regressions/"$target"/*; do cp "$f" "$corpus/regression-$(basename "$f")"; done

dict=$(mktemp)
trap 'rm -f "$dict"' EXIT
for d in "${dicts[@]}"; do cat "dict/$d.dict" >>"$dict"; done

toolchain=()
if [[ -n ${FUZZ_TOOLCHAIN:-} ]]; then
    toolchain=("+$FUZZ_TOOLCHAIN")
else
    export RUSTC_BOOTSTRAP=1
fi
cargo "${toolchain[@]}" fuzz run --release --debug-assertions --sanitizer none \
    "$target" "$corpus" -- \
    -runs="$runs" -dict="$dict" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="artifacts/$target/" "$@"
