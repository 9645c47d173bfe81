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
