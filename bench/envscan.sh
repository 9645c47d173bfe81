# envscan on a tree of about 300 MB (300 files of 1 MB: text, one planted value) beside
# `rg -F -f` and `grep -rF -f` given the same values (as is; envscan also looks for the
# JSON, URL and base64 forms: 13 patterns to their 2), and --redact beside cat on 100 MB.
set -euo pipefail
. "$ROOT/bench/lib.sh"
cd "$WORK"
command -v rg >/dev/null || apt-get install -y -qq ripgrep >/dev/null
mkdir -p tree
printf 'GITHUB_TOKEN=ghp_bench_secret_value_1234\nAPI_KEY=another-bench-secret-5678\n' > tree/.env
printf 'ghp_bench_secret_value_1234\nanother-bench-secret-5678\n' > values.txt
"$PYTHON" - <<'PY'
import random
random.seed(7)
words = [''.join(random.choice('abcdefghijklmnopqrstuvwxyz') for _ in range(random.randint(2, 9))) for _ in range(5000)]
for i in range(300):
    lines = []
    size = 0
    while size < 1 << 20:
        line = ' '.join(random.choice(words) for _ in range(12))
        lines.append(line)
        size += len(line) + 1
    if i == 150:
        lines[100] += ' token=ghp_bench_secret_value_1234'
    with open(f'tree/f{i:03d}.txt', 'w') as f:
        f.write('\n'.join(lines) + '\n')
PY
echo "  tree: $(du -sh tree | cut -f1) in $(ls tree | wc -l) files"
cd tree
hyperfine -N --warmup 1 --runs 5 --ignore-failure --export-json "$WORK/scan.json" \
    "$BIN/envscan ." \
    "rg -F -f $WORK/values.txt ." \
    "grep -rF -f $WORK/values.txt ." >/dev/null
python3 "$ROOT/bench/report.py" "envscan on 300 MB (target: within 1.5x of rg -F)" "$WORK/scan.json"
/usr/bin/time -f "%M" -o "$WORK/rss.txt" "$BIN/envscan" . > /dev/null || true
echo "    envscan peak RSS $(( $(tail -1 "$WORK/rss.txt") / 1024 )) MB"
cat f0*.txt > "$WORK/100mb.txt"
hyperfine --warmup 1 --runs 5 --export-json "$WORK/redact.json" \
    "$BIN/envscan --redact < $WORK/100mb.txt > /dev/null" "cat < $WORK/100mb.txt > /dev/null" >/dev/null
python3 "$ROOT/bench/report.py" "envscan --redact on 100 MB, beside cat" "$WORK/redact.json"
