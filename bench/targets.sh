#!/usr/bin/env bash
# Issue 18's targets, measured as ratios side by side in one run: for each
# format, the identity copy (apply with an empty plan), the apply of the
# generator's true plan, show of a record in the first 1% and of the last
# record, diff of the first true pair, and check. Each command runs RUNS
# times (median wall seconds, highest peak RSS), the builds given
# alternating run after run, so drift on this machine hits them alike.
#
#   bench/targets.sh BIN...                e.g. bench/targets.sh /tmp/base target/release/contact-merge
#   SIZE=100000 bench/targets.sh BIN       another export size (default 1000000)
#   RUNS=5 bench/targets.sh BIN            runs per measurement (default 5)
#   FORMATS="csv json" bench/targets.sh    only these formats (default: csv ndjson json)
#
# Data: target/bench-data/SIZE/contacts.{csv,ndjson,json} and truth.csv,
# made by the generator on first use. Release builds only.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || set -- target/release/contact-merge
cargo build --release --quiet --bin contact-merge --example gen
size=${SIZE:-1000000}
runs=${RUNS:-5}
dir=target/bench-data/$size
t=--merge-time=2024-06-01T00:00:00Z
for fmt in ${FORMATS:-csv ndjson json}; do
  if [ ! -f "$dir/contacts.$fmt" ] || [ ! -f "$dir/truth.csv" ]; then
    target/release/examples/gen --contacts "$size" --seed 42 --out "$dir" --formats csv,ndjson,json >/dev/null 2>&1
    break
  fi
done
printf 'primary_id,secondary_id\n' >"$dir/empty.csv"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The id of the record at a given fraction of the file: from the CSV (the
# generator writes the same contacts in the same order in every format).
id_at() { awk -F, -v n="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i ~ /hs_object_id|Record ID/) c = i; next } NR - 1 == n { gsub(/"/, "", $c); print $c; exit }' "$dir/contacts.csv"; }
early=$(id_at $((size / 100)))
last=$(id_at "$size")
read -r p1 s1 < <(sed -n 2p "$dir/truth.csv" | tr ',' ' ')

# run NAME BIN ARGS...: one timed run, appended to $tmp/NAME.
run() {
  local name=$1
  shift
  local out=$tmp/out
  rm -f "$out"
  sync
  /usr/bin/time -a -o "$tmp/$name" -f "%e %M" "$@" >/dev/null 2>&1 || [ $? -eq 3 ]
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
stat_of() { # "median-s peak-MB"
  local m r
  m=$(awk '{print $1}' "$tmp/$1" | median)
  r=$(awk 'BEGIN {m = 0} {if ($2 > m) m = $2} END {printf "%d", m / 1024}' "$tmp/$1")
  echo "$m $r"
}

echo "machine: $(nproc) cores; $size contacts; runs: $runs (median s, peak MB)"
printf '| format | MB | build | copy s (MB) | copy MB/s | apply s (MB) | apply/copy | apply MB / file MB | show 1%% s (MB) | show last s (MB) | diff s (MB) | check s (MB) | check/copy |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|---|---|\n'
for fmt in ${FORMATS:-csv ndjson json}; do
  in=$dir/contacts.$fmt
  mb=$(( $(stat -c %s "$in") / 1048576 ))
  rm -f "$tmp"/[0-9]*
  for _ in $(seq "$runs"); do
    k=0
    for bin in "$@"; do
      k=$((k + 1))
      run "$k.copy" "$bin" apply "$in" --plan "$dir/empty.csv" -o "$tmp/out.$fmt" $t
      run "$k.apply" "$bin" apply "$in" --plan "$dir/truth.csv" -o "$tmp/out.$fmt" $t
      run "$k.show1" "$bin" show "$in" "$early"
      run "$k.showN" "$bin" show "$in" "$last"
      run "$k.diff" "$bin" diff "$in" "$p1" "$s1"
      run "$k.check" "$bin" check "$in"
    done
  done
  k=0
  for bin in "$@"; do
    k=$((k + 1))
    read -r c cm < <(stat_of "$k.copy")
    read -r a am < <(stat_of "$k.apply")
    read -r s1s s1m < <(stat_of "$k.show1")
    read -r sns snm < <(stat_of "$k.showN")
    read -r d dm < <(stat_of "$k.diff")
    read -r ck ckm < <(stat_of "$k.check")
    awk -v f="$fmt" -v mb="$mb" -v b="$bin" -v c="$c" -v cm="$cm" -v a="$a" -v am="$am" \
      -v s1="$s1s" -v s1m="$s1m" -v sn="$sns" -v snm="$snm" -v d="$d" -v dm="$dm" -v ck="$ck" -v ckm="$ckm" \
      'BEGIN { printf "| %s | %d | %s | %s (%s) | %.0f | %s (%s) | %.2f | %.2f | %s (%s) | %s (%s) | %s (%s) | %s (%s) | %.2f |\n",
        f, mb, b, c, cm, (c > 0 ? mb / c : 0), a, am, (c > 0 ? a / c : 0), am / mb, s1, s1m, sn, snm, d, dm, ck, ckm, (c > 0 ? ck / c : 0) }'
  done
done
