#!/usr/bin/env bash
# Run fuzz targets one after another to a number of executions each and
# print one summary line per target (the figures TESTING.md records).
#
#   fuzz/campaign.sh RUNS TARGET...      e.g. fuzz/campaign.sh 10000000 json csv
#
# Logs go to fuzz/logs/TARGET.log. The run is niced, so builds and
# benchmarks in the foreground keep the CPU; for that reason the hang
# timeout is 20 minutes of wall time (a starved or paused run is not a hang).
# Two campaigns on two target lists use both cores. Stops at the first
# crash (the run.sh exit status). Run it from a checkout you are not
# editing: every target is rebuilt from the working tree.
set -euo pipefail
cd "$(dirname "$0")"
runs=${1:?usage: fuzz/campaign.sh RUNS TARGET...}
shift
mkdir -p logs
# The stream target writes its input to a temporary file per execution.
export TMPDIR=${TMPDIR:-/dev/shm}
for target in "$@"; do
    start=$(date +%s)
    status=0
    nice -n 19 ./run.sh "$target" "$runs" -timeout=1200 -report_slow_units=1200 \
        >"logs/$target.log" 2>&1 || status=$?
    secs=$(($(date +%s) - start))
    execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "logs/$target.log" | tail -1 | grep -o '[0-9]*$' || echo '?')
    crashes=$(ls "artifacts/$target" 2>/dev/null | wc -l)
    echo "$target executions=$execs seconds=$secs exit=$status artifacts=$crashes $(date -u +%FT%TZ)" | tee -a logs/summary.txt
    [[ $status == 0 ]] || exit "$status"
done
