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
/usr/bin/time -f "%M" -o rss.txt "$BIN/ollama-chat" --url "$URL" -m m go > answer.txt
echo "  memory, single-shot 50 MB streamed answer, logged (target: peak RSS < 16 MB)"
echo "    peak RSS $(( $(cat rss.txt) / 1024 )) MB for $(( $(stat -c %s answer.txt) / 1000000 )) MB of answer"
stop_fake

start_fake longline 200
/usr/bin/time -f "%M" -o rss.txt "$BIN/ollama-chat" --url "$URL" -m m go > /dev/null 2> err.txt || true
echo "  memory, one 200 MB reply line with no newline (the cap is 16 MiB per line; exit 5)"
# GNU time puts "Command exited with non-zero status 5" before the figure.
echo "    peak RSS $(( $(tail -1 rss.txt) / 1024 )) MB; said: $(tail -1 err.txt)"
stop_fake
