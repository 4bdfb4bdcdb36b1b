#!/usr/bin/env bash
# Compare builds of contact-merge on one apply, alternating them run after
# run (this machine's timings drift by 10-30% over minutes, so builds
# measured one after the other are not comparable). Prints the median wall,
# user and system seconds of each build.
#
#   bench/ab.sh RUNS BIN...                 e.g. bench/ab.sh 8 /tmp/old target/release/contact-merge
#   SIZE=100000 bench/ab.sh 8 BIN...        another generated export (default 1000000; bench/run.sh makes them)
#   PLAN=empty bench/ab.sh 8 BIN...         the copy floor (default: truth, the generator's pairs)
#   FORMAT=ndjson bench/ab.sh 8 BIN...      JSON Lines (default csv)
#   OUT=path bench/ab.sh 8 BIN...           write the output to a file, removed before each run
#                                           (default: stdout to /dev/null)
#   bench/ab.sh 8 BIN@empty BIN             one build's copy floor and apply, alternating (BIN@PLAN
#                                           runs with that plan, e.g. for the ratio apply / copy)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:?usage: bench/ab.sh RUNS BIN...}
shift
dir=target/bench-data/${SIZE:-1000000}
input=$dir/contacts.${FORMAT:-csv}
plan_of() { case $1 in *@*) echo "$dir/${1##*@}.csv" ;; *) echo "$dir/${PLAN:-truth}.csv" ;; esac; }
for arg in "$@"; do
  plan=$(plan_of "$arg")
  [ -f "$input" ] && [ -f "$plan" ] || { echo "no $input or $plan: run bench/run.sh first" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for _ in $(seq "$runs"); do
  for k in $(seq $#); do
    bin=${!k%@*}
    plan=$(plan_of "${!k}")
    # A file left by the run before would be freed by this one, at its cost.
    [ -z "${OUT:-}" ] || rm -f "$OUT"
    sync
    /usr/bin/time -a -o "$tmp/$k" -f "%e %U %S" "$bin" apply "$input" --plan "$plan" \
      -o "${OUT:--}" --merge-time 2024-06-01T00:00:00Z >/dev/null 2>&1 || [ $? -eq 3 ]
  done
done
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for k in $(seq $#); do
  bin=${!k}
  wall=$(cut -d' ' -f1 "$tmp/$k" | median)
  user=$(cut -d' ' -f2 "$tmp/$k" | median)
  sys=$(cut -d' ' -f3 "$tmp/$k" | median)
  echo "$bin: wall $wall s, user $user s, system $sys s (median of $runs; walls: $(cut -d' ' -f1 "$tmp/$k" | tr '\n' ' '))"
done
