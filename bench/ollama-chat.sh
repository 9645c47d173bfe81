# ollama-chat against the fake server (no added delay): single-shot wall time vs curl and vs
# the usual Python script (requests, non-streaming); the log's cost; streaming latency; memory
# on a 50 MB answer with the log on.
set -euo pipefail
. "$ROOT/bench/lib.sh"
cd "$WORK"
# The log goes here, not into the user's own; it is on (the default) unless a line says --no-log.
export XDG_DATA_HOME=$WORK/xdg-data
"$PYTHON" -c 'import requests' 2>/dev/null || "$PYTHON" -m pip install -q requests
FAKE=$ROOT/target/release/fake-ollama
start_fake() { # $@: fake-ollama args; sets URL and FAKE_PID
    "$FAKE" "$@" > fake.url & FAKE_PID=$!
    for _ in $(seq 50); do [ -s fake.url ] && break; sleep 0.1; done
    URL=$(cat fake.url)
}
stop_fake() { kill "$FAKE_PID" 2>/dev/null || true; wait "$FAKE_PID" 2>/dev/null || true; }
trap stop_fake EXIT

start_fake answer
cat > chat.py <<PY
import requests, sys
r = requests.post("$URL/api/chat", json={"model": "m", "stream": False, "messages": [{"role": "user", "content": "hi"}]})
print(r.json()["message"]["content"])
PY
compare "single-shot 'hi' (targets: <=1.5x curl, >=10x faster than Python)" \
    "$BIN/ollama-chat --url $URL -m m hi" \
    "curl -s -X POST $URL/api/chat -d '{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}'" \
    "$PYTHON chat.py"
compare "the log's cost per exchange (logged vs --no-log)" \
    "$BIN/ollama-chat --url $URL -m m hi" \
    "$BIN/ollama-chat --url $URL -m m --no-log hi"
echo "    log after the runs: $(wc -l < "$XDG_DATA_HOME/ollama-chat/log.jsonl") exchanges, $(( $(stat -c %s "$XDG_DATA_HOME/ollama-chat/log.jsonl") / 1000 )) kB"
stop_fake

start_fake timestamps 300
"$PYTHON" - "$BIN/ollama-chat" "$URL" <<'PY'
import statistics, subprocess, sys, time
p = subprocess.Popen([sys.argv[1], "--url", sys.argv[2], "-m", "m", "go"], stdout=subprocess.PIPE, bufsize=0)
lat = []
for line in p.stdout:
    line = line.strip()
    if line.isdigit():
        lat.append((time.time_ns() - int(line)) / 1e6)
p.wait()
lat.sort()
print(f"  streaming latency, server write -> our stdout, {len(lat)} chunks (target: median < 1 ms)")
print(f"    median {statistics.median(lat):.3f} ms   p90 {lat[int(len(lat) * 0.9)]:.3f} ms   max {lat[-1]:.3f} ms")
PY
stop_fake

start_fake huge 50
# What the figure depends on: the log keeps the answer's first MiB; the .env of the folder is
# read whole for redaction (here none, then one of 377 KB: 5,000 secret-looking keys).
rss_of() { # $1: folder; the rest: flags
    local dir=$1; shift
    (cd "$dir" && /usr/bin/time -f "%M" -o "$WORK/rss.txt" "$BIN/ollama-chat" --url "$URL" -m m "$@" go > "$WORK/answer.txt")
    echo "$(( $(cat "$WORK/rss.txt") / 1024 )) MB"
}
mkdir -p plain withenv
"$PYTHON" -c '
for i in range(5000):
    print(f"SERVICE_{i:05d}_TOKEN=tok-{i:05d}-" + "x" * 50)' > withenv/.env
echo "  memory, single-shot 50 MB streamed answer (target: peak RSS < 16 MB)"
echo "    no .env:  logged $(rss_of plain), --no-log $(rss_of plain --no-log), for $(( $(stat -c %s answer.txt) / 1000000 )) MB of answer"
echo "    beside a $(( $(stat -c %s withenv/.env) / 1000 )) KB .env: logged $(rss_of withenv), --no-log $(rss_of withenv --no-log)"
stop_fake

# --logs on a log of 40,000 conversations, and --search on a 200 MB one: linear and bounded.
LOGS=$WORK/logs
mkdir -p "$LOGS/ollama-chat"
"$PYTHON" - "$LOGS/ollama-chat/log.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(40000):
        f.write(json.dumps({"cid": f"c{i}", "time": "2026-01-01T00:00:00Z", "url": "u", "model": "m", "prompt": f"question {i}", "answer": "a"}) + "\n")
PY
XDG_DATA_HOME=$LOGS compare "--logs, a log of 40,000 conversations (was 2.8 s: quadratic)" \
    "$BIN/ollama-chat --logs" "grep -c cid $LOGS/ollama-chat/log.jsonl"
"$PYTHON" - "$LOGS/ollama-chat/log.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "a") as f:
    for i in range(20000):
        f.write(json.dumps({"cid": f"b{i}", "time": "2026-01-01T00:00:00Z", "url": "u", "model": "m", "prompt": "x" * 10000, "answer": "a"}) + "\n")
PY
XDG_DATA_HOME=$LOGS /usr/bin/time -f "%M %e" -o rss.txt "$BIN/ollama-chat" --logs --search "question 7" > /dev/null
read -r kb secs < rss.txt
echo "  --logs --search on a $(( $(stat -c %s "$LOGS/ollama-chat/log.jsonl") / 1000000 )) MB log (was 1.3 GB of memory for 1.1 GB)"
echo "    peak RSS $(( kb / 1024 )) MB, ${secs} s"

start_fake longline 200
/usr/bin/time -f "%M" -o rss.txt "$BIN/ollama-chat" --url "$URL" -m m go > /dev/null 2> err.txt || true
echo "  memory, one 200 MB reply line with no newline (the cap is 16 MiB per line; exit 5)"
# GNU time puts "Command exited with non-zero status 5" before the figure.
echo "    peak RSS $(( $(tail -1 rss.txt) / 1024 )) MB; said: $(tail -1 err.txt)"
stop_fake
