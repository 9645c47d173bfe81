"""Print a table of medians and ratios from a hyperfine JSON export; the first command is the
reference (ratio = other / first, so >1 means the other is slower)."""
import json
import sys

title, path = sys.argv[1], sys.argv[2]
results = json.load(open(path))["results"]
base = results[0]["median"]
print(f"  {title}")
for r in results:
    ms = r["median"] * 1000
    ratio = r["median"] / base
    print(f"    {ms:9.3f} ms  {ratio:8.2f}x  {r['command']}")
