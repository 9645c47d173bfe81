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
