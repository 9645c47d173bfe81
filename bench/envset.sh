# envset KEY=VALUE vs python-dotenv's CLI; 64 parallel writers (keys kept); one set on a
# 100,000-key file vs cp (the floor for an atomic rewrite).
set -euo pipefail
. "$ROOT/bench/lib.sh"
cd "$WORK"
for i in $(seq 1 20); do echo "KEY_$i=value_number_$i"; done > small.env
cp small.env small-py.env
compare "set one key, 20-line file (target: >=30x faster than python-dotenv)" \
    "$BIN/envset -f small.env OLLAMA_MODEL=llama3.1" \
    "$DOTENV_CLI -f small-py.env set OLLAMA_MODEL llama3.1"

parallel_kept() { # $1: command prefix writing KEY VALUE into $2
    : > "$2"
    for i in $(seq 1 64); do $1 "$2" "PAR_$i" "v$i" & done
    wait
    "$BIN/envget" -f "$2" --format names | grep -c '^PAR_' || true
}
envset_one() { "$BIN/envset" -f "$1" "$2=$3" 2>/dev/null; }
dotenv_one() { "$DOTENV_CLI" -f "$1" set "$2" "$3" >/dev/null 2>&1 || true; }
echo "  64 parallel writers, each adding a different key (target: 64 of 64 kept)"
echo "    envset:            $(parallel_kept envset_one par-envset.env) of 64 kept"
echo "    python-dotenv CLI: $(parallel_kept dotenv_one par-dotenv.env) of 64 kept"

python3 - <<'PY'
with open("big.env", "w") as f:
    for i in range(100_000):
        f.write(f"KEY_{i:06d}=value_{i:06d}_{'x' * 30}\n")
PY
compare "set one key, 100,000-key file, $(du -h big.env | cut -f1) (target: <=2.5x cp)" \
    "$BIN/envset -f big.env KEY_050000=changed" \
    "cp big.env big-copy.env"

# envset --web: from start to the URL on stdout, and one load of the page (a GET of the form).
printf '# The model\nOLLAMA_MODEL=llama3.1\nAPI_TOKEN=\n' > web.example
"$PYTHON" - "$BIN/envset" <<'PY'
import statistics, subprocess, sys, time
times = []
for _ in range(30):
    start = time.perf_counter()
    p = subprocess.Popen([sys.argv[1], "-f", "web.env", "--web", "--from-example", "web.example",
                          "--timeout", "5"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    p.stdout.readline()
    times.append((time.perf_counter() - start) * 1000)
    p.kill(); p.wait()
print("  envset --web, from start to the URL on stdout (30 runs)")
print(f"    median {statistics.median(times):.2f} ms   max {max(times):.2f} ms")
PY
"$BIN/envset" -f web.env --web --from-example web.example --timeout 120 > web.url 2>/dev/null &
WEB_PID=$!
for _ in $(seq 50); do [ -s web.url ] && break; sleep 0.1; done
compare "envset --web, one page load (GET of the form)" "curl -s -o /dev/null $(cat web.url)"
kill "$WEB_PID" 2>/dev/null || true; wait "$WEB_PID" 2>/dev/null || true
# The same page under a flood: 600 idle connections held open while the page is loaded 20
# times; the load time, and envset's peak memory (bounded: at most 32 connections are served).
"$BIN/envset" -f web.env --web --from-example web.example --timeout 120 > web.url 2>/dev/null &
WEB_PID=$!
for _ in $(seq 50); do [ -s web.url ] && break; sleep 0.1; done
"$PYTHON" - "$(cat web.url)" "$WEB_PID" <<'PY'
import socket, statistics, sys, time, urllib.request
url, pid = sys.argv[1], sys.argv[2]
port = int(url.split(":")[2].split("/")[0])
idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(600)]
times = []
for _ in range(20):
    start = time.perf_counter()
    urllib.request.urlopen(url, timeout=30).read()
    times.append((time.perf_counter() - start) * 1000)
peak = next(l for l in open(f"/proc/{pid}/status") if l.startswith("VmHWM")).split()[1]
print("  envset --web, page load with 600 idle connections open (tiny_http died at 511)")
print(f"    median {statistics.median(times):.2f} ms   max {max(times):.2f} ms   envset peak RSS {int(peak) // 1024} MB")
for s in idle:
    s.close()
PY
kill "$WEB_PID" 2>/dev/null || true; wait "$WEB_PID" 2>/dev/null || true
