# Shared by bench/<tool>.sh: `compare TITLE CMD...` times each command with hyperfine (no
# intermediate shell, so a command's own start-up is what is measured) and prints the median of
# each and its ratio to the first command.
compare() {
    local title=$1; shift
    local json=$WORK/result.json
    hyperfine -N --warmup 20 --min-runs 100 --export-json "$json" "$@" >/dev/null 2>&1 ||
        hyperfine -N --warmup 3 --min-runs 10 --export-json "$json" "$@" >/dev/null
    python3 "$ROOT/bench/report.py" "$title" "$json"
}

# `compare_mixed TITLE FAST... -- SLOW...`: one table, the fast commands timed with many runs,
# the slow ones (seconds each) with a few; ratios are to the first fast command.
compare_mixed() {
    local title=$1; shift
    local fast=() slow=()
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do fast+=("$1"); shift; done
    [ $# -gt 0 ] && shift
    slow=("$@")
    hyperfine -N --warmup 20 --min-runs 100 --export-json "$WORK/fast.json" "${fast[@]}" >/dev/null 2>&1
    hyperfine -N --warmup 1 --min-runs 5 --export-json "$WORK/slow.json" "${slow[@]}" >/dev/null 2>&1
    python3 "$ROOT/bench/report.py" "$title" "$WORK/fast.json" "$WORK/slow.json"
}
