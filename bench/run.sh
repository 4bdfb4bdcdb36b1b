#!/usr/bin/env bash
# Benchmark apply, check and the plain read + write floors on generated
# exports (see BENCHMARKS.md). Release builds; data under target/bench-data.
#
#   bench/run.sh [SIZES...]        default: 100000 1000000
#   RUNS=5 bench/run.sh 100000     runs per measurement (median reported)
#   BIN=path/to/contact-merge      measure another build (e.g. an older commit)
#   FORMATS=csv                    only these formats (default: csv ndjson; json
#                                  too: FORMATS="csv ndjson json")
#   PAUSE=PATTERN                  SIGSTOP the processes whose command line
#                                  matches PATTERN (pkill -f) during each
#                                  measurement, e.g. a fuzzer in the background
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ $# -eq 0 ] && sizes=(100000 1000000)
runs=${RUNS:-3}
data=target/bench-data
cargo build --release --quiet --bin contact-merge --example gen
bin=${BIN:-target/release/contact-merge}
gen=target/release/examples/gen
t=--merge-time=2024-06-01T00:00:00Z

# "median-seconds max-RSS-MB" of a command over $runs runs; exit 3 (pairs
# skipped) counts as success.
measure() {
  local walls=() rss=0 code
  if [ -n "${PAUSE:-}" ]; then
    pkill -STOP -f "$PAUSE" || true
    trap 'pkill -CONT -f "$PAUSE" || true' RETURN
  fi
  for _ in $(seq "$runs"); do
    code=0
    # Each run starts with the last run's output on disk: otherwise a run
    # may pay for writing back the one before it.
    sync
    /usr/bin/time -f "%e %M" -o "$data/time.txt" "$@" >/dev/null 2>"$data/stderr.txt" || code=$?
    if [ "$code" -ne 0 ] && [ "$code" -ne 3 ]; then cat "$data/stderr.txt" >&2; exit 1; fi
    read -r wall kb < <(tail -n 1 "$data/time.txt")
    walls+=("$wall"); [ "$kb" -gt "$rss" ] && rss=$kb
  done
  median=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "$median $((rss / 1024))"
}

[ -n "${PAUSE:-}" ] && trap 'pkill -CONT -f "$PAUSE" || true' EXIT

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); runs: $runs (median)"
printf '| contacts | format | input MB | floor: copy s (MB) | floor: parse+write s (MB) | apply s (MB) | apply+journal s (MB) | apply in memory s (MB) | check s (MB) | merge one pair s (MB) | apply/copy | apply/parse+write |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|---|\n'
for n in "${sizes[@]}"; do
  dir=$data/$n
  formats=${FORMATS:-csv ndjson}
  for fmt in $formats; do
    if [ ! -f "$dir/truth.csv" ] || [ ! -f "$dir/contacts.$fmt" ]; then
      "$gen" --contacts "$n" --seed 42 --out "$dir" --formats "${formats// /,}" 2>/dev/null
      break
    fi
  done
  printf 'primary_id,secondary_id\n' > "$dir/empty.csv"
  for fmt in ${FORMATS:-csv ndjson}; do
    in=$dir/contacts.$fmt
    mb=$(( $(stat -c %s "$in") / 1024 / 1024 ))
    read -r copy copy_mb < <(measure "$bin" apply "$in" --plan "$dir/empty.csv" -o "$dir/out.$fmt" $t)
    read -r rw rw_mb < <(measure bash -c "\"$bin\" apply - --input-format $fmt --plan \"$dir/empty.csv\" -o \"$dir/out.$fmt\" $t < \"$in\"")
    read -r ap ap_mb < <(measure "$bin" apply "$in" --plan "$dir/truth.csv" -o "$dir/out.$fmt" $t)
    read -r apj apj_mb < <(measure "$bin" apply "$in" --plan "$dir/truth.csv" -o "$dir/out.$fmt" --journal "$dir/journal.jsonl" $t)
    read -r mem mem_mb < <(measure bash -c "\"$bin\" apply - --input-format $fmt --plan \"$dir/truth.csv\" -o \"$dir/out.$fmt\" $t < \"$in\"")
    read -r ck ck_mb < <(measure "$bin" check "$in")
    read -r p1 s1 < <(sed -n 2p "$dir/truth.csv" | tr ',' ' ')
    read -r mg mg_mb < <(measure "$bin" merge "$in" "$p1" "$s1" -o "$dir/out.$fmt" $t)
    r1=$(awk -v a="$ap" -v f="$copy" 'BEGIN { printf "%.2f", (f > 0 ? a / f : 0) }')
    r2=$(awk -v a="$ap" -v f="$rw" 'BEGIN { printf "%.2f", (f > 0 ? a / f : 0) }')
    printf '| %s | %s | %s | %s (%s) | %s (%s) | %s (%s) | %s (%s) | %s (%s) | %s (%s) | %s (%s) | %s | %s |\n' \
      "$n" "$fmt" "$mb" "$copy" "$copy_mb" "$rw" "$rw_mb" "$ap" "$ap_mb" "$apj" "$apj_mb" "$mem" "$mem_mb" "$ck" "$ck_mb" "$mg" "$mg_mb" "$r1" "$r2"
  done
done
