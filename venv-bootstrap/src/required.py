"""Which packages that venv-bootstrap installed are no longer required.

Run by venv-bootstrap with the venv's own Python, only after an install (never on a warm start).
stdin:  {"requirements": [requirement lines], "owned": [normalised names of the packages the
        requirements installed]}
stdout: {"remove": [names]}: the owned packages that neither the requirements nor any package
        installed by hand need (directly or through dependencies); or {"unknown": line} when a
        requirement names no package (a bare path or URL): then what it needs is unknown, and
        nothing is removed.
"""
import json
import re
import sys
from importlib import metadata

try:
    from packaging.requirements import InvalidRequirement, Requirement
except ImportError:
    from pip._vendor.packaging.requirements import InvalidRequirement, Requirement


def norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()


query = json.load(sys.stdin)
owned = set(query["owned"])
installed = {}
for dist in metadata.distributions():
    name = dist.metadata["Name"]
    if name:
        installed.setdefault(norm(name), dist)

# The roots: every requirement line, and every package installed by hand (so that what they
# depend on stays too).
wanted = []
for line in query["requirements"]:
    try:
        req = Requirement(line)
    except InvalidRequirement:
        json.dump({"unknown": line}, sys.stdout)
        sys.exit(0)
    if req.marker is None or req.marker.evaluate():
        wanted.append((norm(req.name), set(req.extras)))
wanted += [(name, set()) for name in installed if name not in owned]

needed = {}
while wanted:
    name, extras = wanted.pop()
    known = needed.get(name)
    if known is not None and extras <= known:
        continue
    needed[name] = (known or set()) | extras
    dist = installed.get(name)
    if dist is None:
        continue
    for text in dist.requires or []:
        try:
            req = Requirement(text)
        except InvalidRequirement:
            continue
        if req.marker is not None and not any(
            req.marker.evaluate({"extra": extra}) for extra in needed[name] | {""}
        ):
            continue
        wanted.append((norm(req.name), set(req.extras)))

json.dump({"remove": sorted((owned & set(installed)) - set(needed))}, sys.stdout)
