#!/usr/bin/env bash
# Benchmark apply, check and the plain read + write floor on generated
# exports (see BENCHMARKS.md). Release builds; data under target/bench-data.
#
#   bench/run.sh [SIZES...]        default: 100000 1000000
#   RUNS=5 bench/run.sh 100000     runs per measurement (median reported)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-100000 1000000}")
[ $# -eq 0 ] && sizes=(100000 1000000)
runs=${RUNS:-3}
data=target/bench-data
cargo build --release --quiet --bin contact-merge --example gen
bin=target/release/contact-merge
gen=target/release/examples/gen

# median wall seconds and max RSS (MB) of a command over $runs runs
measure() {
  local walls=() rss=0
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$data/time.txt" "$@" >/dev/null 2>"$data/stderr.txt" || {
      code=$?; [ $code -eq 3 ] || { cat "$data/stderr.txt" >&2; exit 1; }; }
    read -r wall kb < "$data/time.txt"
    walls+=("$wall"); [ "$kb" -gt "$rss" ] && rss=$kb
  done
  median=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "$median $((rss / 1024))"
}

printf '| contacts | format | input MB | floor s (MB) | apply s (MB) | apply+journal s (MB) | check s (MB) | apply/floor |\n'
printf '|---|---|---|---|---|---|---|---|\n'
for n in "${sizes[@]}"; do
  dir=$data/$n
  if [ ! -f "$dir/truth.csv" ]; then
    "$gen" --contacts "$n" --seed 42 --out "$dir" --formats csv,ndjson 2>/dev/null
  fi
  # a plan of n/10 pairs: the true duplicates (about 10% of contacts)
  printf 'primary_id,secondary_id\n' > "$dir/empty.csv"
  for fmt in csv ndjson; do
    in=$dir/contacts.$fmt
    mb=$(( $(stat -c %s "$in") / 1024 / 1024 ))
    read -r floor floor_mb < <(measure "$bin" apply "$in" --plan "$dir/empty.csv" -o "$dir/out.$fmt" --merge-time 2024-06-01T00:00:00Z)
    read -r ap ap_mb < <(measure "$bin" apply "$in" --plan "$dir/truth.csv" -o "$dir/out.$fmt" --merge-time 2024-06-01T00:00:00Z)
    read -r apj apj_mb < <(measure "$bin" apply "$in" --plan "$dir/truth.csv" -o "$dir/out.$fmt" --journal "$dir/journal.jsonl" --merge-time 2024-06-01T00:00:00Z)
    read -r ck ck_mb < <(measure "$bin" check "$in")
    ratio=$(awk -v a="$ap" -v f="$floor" 'BEGIN { printf "%.2f", (f > 0 ? a / f : 0) }')
    printf '| %s | %s | %s | %s (%s) | %s (%s) | %s (%s) | %s (%s) | %s |\n' \
      "$n" "$fmt" "$mb" "$floor" "$floor_mb" "$ap" "$ap_mb" "$apj" "$apj_mb" "$ck" "$ck_mb" "$ratio"
  done
done
