# envget KEY vs python-dotenv's CLI, cat (the floor) and a shell sourcing the file;
# and on a 100,000-key file vs grep.
set -euo pipefail
. "$ROOT/bench/lib.sh"
cd "$WORK"
for i in $(seq 1 19); do echo "KEY_$i=value_number_$i"; done > small.env
echo "OLLAMA_MODEL=llama3.1" >> small.env
compare "envget KEY, 20-line file (target: >=50x faster than python-dotenv, <=2x cat)" \
    "$BIN/envget -f small.env OLLAMA_MODEL" \
    "$DOTENV_CLI -f small.env get OLLAMA_MODEL" \
    "cat small.env" \
    "bash -c '. ./small.env; printf %s \"\$OLLAMA_MODEL\"'"

python3 - <<'PY'
with open("big.env", "w") as f:
    for i in range(100_000):
        f.write(f"KEY_{i:06d}=value_{i:06d}_{'x' * 30}\n")
    f.write("OLLAMA_MODEL=llama3.1\n")
PY
compare "envget KEY, 100,000-key file, $(du -h big.env | cut -f1) (target: <=3x grep)" \
    "$BIN/envget -f big.env OLLAMA_MODEL" \
    "grep ^OLLAMA_MODEL= big.env"

# An expansion bomb: 40 lines, each value twice the one before (L1=${L0}${L0}, ...), 654 bytes.
python3 - <<'PY'
def bomb(n):
    lines = ["L0=xxxxxxxxxxxxxxxx"] + [f"L{i}=${{L{i-1}}}${{L{i-1}}}" for i in range(1, n)]
    return "\n".join(lines) + "\n"
open("bomb.env", "w").write(bomb(40))
open("bomb22.env", "w").write(bomb(22))
PY
/usr/bin/time -f "%M %e" -o rss.txt "$BIN/envget" -f bomb.env --format names > /dev/null 2>&1
read -r kib secs < <(tail -1 rss.txt)
echo "  expansion bomb, $(stat -c %s bomb.env) bytes, 40 doubling lines (cap: 1 MiB per value, 8 MiB per file)"
echo "    envget: peak RSS $(( kib / 1024 )) MB in ${secs} s"
# python-dotenv has no cap: even 22 lines (a 64 MB value) cost it this much.
( ulimit -v 8000000; /usr/bin/time -f "%M %e" -o rss.txt "$PYTHON" -c \
    'import sys; from dotenv import dotenv_values; dotenv_values(sys.argv[1])' bomb22.env ) 2>/dev/null || true
read -r kib secs < <(tail -1 rss.txt)
echo "    python-dotenv on 22 such lines: peak RSS $(( kib / 1024 )) MB in ${secs} s"

# envget --check on a 1,000-key example (every key typed), beside envget --format json on the
# same .env, and beside varlock load (npm; needs Node 22, which npm's node@22 package ships;
# PH_OPT_OUT=true: without it varlock's telemetry call fails offline and it crashes).
"$PYTHON" - <<'PY'
with open("check.example", "w") as ex, open("check.env", "w") as env:
    for i in range(1000):
        t = ["url", "port", "boolean", "string(startsWith=sk-)", "email"][i % 5]
        v = ["https://h/x", "8080", "true", "sk-abc", "a@b.co"][i % 5]
        ex.write(f"# key {i}\n# @type={t}\nKEY_{i:04d}=\n")
        env.write(f"KEY_{i:04d}={v}\n")
PY
cp check.example .env.schema
compare "envget --check, 1,000 typed keys (beside --format json on the same .env)" \
    "$BIN/envget -f check.env --check check.example" \
    "$BIN/envget -f check.env --format json"
VARLOCK=$WORK/varlock
if (mkdir -p "$VARLOCK" && cd "$VARLOCK" && npm install --silent --no-audit --no-fund node@22 varlock >/dev/null 2>&1); then
    cp check.env .env
    sed 's/^\(KEY_[0-9]*\)=$/\1=/' check.example > .env.schema
    compare "envget --check beside varlock load (Node 22), 1,000 keys" \
        "$BIN/envget --check check.example" \
        "env PH_OPT_OUT=true $VARLOCK/node_modules/node/bin/node $VARLOCK/node_modules/varlock/bin/cli.js load"
else
    echo "  varlock load: not installable here (npm node@22 varlock failed); not compared"
fi
