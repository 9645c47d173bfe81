"""Print a table of medians and ratios from hyperfine JSON exports (one or more, read in
order); the first command is the reference (ratio = other / first, so >1 means slower)."""
import json
import sys

title, paths = sys.argv[1], sys.argv[2:]
results = [r for p in paths for r in json.load(open(p))["results"]]
base = results[0]["median"]
print(f"  {title}")
for r in results:
    ms = r["median"] * 1000
    ratio = r["median"] / base
    print(f"    {ms:9.3f} ms  {ratio:8.2f}x  {r['command']}")
