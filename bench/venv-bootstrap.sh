# Warm start of venv-bootstrap vs the usual shell hook (warm, pip against a local wheel dir)
# vs bare true; cold build vs python -m venv + pip install (and uv when installed).
set -euo pipefail
. "$ROOT/bench/lib.sh"
cd "$WORK"
mkdir -p vb/wheels && cd vb
for pkg in alpha beta gamma delta epsilon; do python3 "$ROOT/tests/fixtures/make_wheel.py" wheels "$pkg" 1.0; done
printf 'alpha\nbeta\ngamma\ndelta\nepsilon\n' > requirements.txt
unset PIP_FIND_LINKS PYTHONPATH
export PIP_DISABLE_PIP_VERSION_CHECK=1
# uv's cache goes with the bench's folder, not into ~/.cache.
export UV_CACHE_DIR=$WORK/uv-cache
PY=$(command -v python3)

cat > hook.sh <<'HOOK'
test -d .hook-venv || python3 -m venv .hook-venv
source .hook-venv/bin/activate
pip install --upgrade pip --quiet --no-index --find-links wheels
pip install -r requirements.txt --quiet --no-index --find-links wheels
exec true
HOOK
bash hook.sh
"$BIN/venv-bootstrap" -q --python "$PY" --offline --find-links wheels -- true

compare_mixed "warm start, nothing changed (targets: >=300x faster than the hook, <=2 ms over true)" \
    "$BIN/venv-bootstrap --python $PY --offline --find-links wheels -- true" \
    "true" \
    -- "bash hook.sh"

# Cold builds, each installer against its own usual way. uv comes from PATH, else from PyPI
# into the bench venv.
UV=$(command -v uv || true)
if [ -z "$UV" ]; then
    [ -x "$(dirname "$PYTHON")/uv" ] || "$PYTHON" -m pip install -q uv
    UV=$(dirname "$PYTHON")/uv
fi
UVDIR=$(dirname "$UV")
# uv puts pip into the venvs venv-bootstrap makes (users pip install by hand); offline it needs
# pip's wheel at hand, as it would have it cached after the first online build.
ls wheels/pip-*.whl >/dev/null 2>&1 || "$PYTHON" -m pip download -q --no-deps -d wheels pip
cold="$BIN/venv-bootstrap -q --venv .cold-vb --python $PY --installer pip --offline --find-links wheels --no-upgrade-pip"
pipway="sh -c '$PY -m venv .cold-pip && .cold-pip/bin/pip install -q --no-index --find-links wheels -r requirements.txt'"
coldvu="env PATH=$UVDIR:$PATH $BIN/venv-bootstrap -q --venv .cold-vu --python $PY --installer uv --offline --find-links wheels"
uvway="sh -c '$UV venv -q --python $PY .cold-uv && $UV pip install -q --python .cold-uv/bin/python --offline --no-index --find-links wheels -r requirements.txt'"
hyperfine -N --runs 3 --prepare 'rm -rf .cold-vb .cold-pip .cold-vu .cold-uv' --export-json "$WORK/cold.json" \
    "$cold" "$pipway" "$coldvu" "$uvway" >/dev/null 2>&1
python3 "$ROOT/bench/report.py" "cold build of a venv with 5 small packages (pip, then uv; uv's own way leaves no pip in the venv)" "$WORK/cold.json"

# pyproject.toml and uv.lock projects: warm starts, and cold builds next to `uv sync` itself.
mkdir -p "$WORK/pp" && cd "$WORK/pp"
cp -r ../vb/wheels .
cat > pyproject.toml <<'TOML'
[project]
name = "benchproject"
version = "0.1"
requires-python = ">=3.8"
dependencies = ["alpha", "beta", "gamma"]
[dependency-groups]
dev = ["delta", "epsilon"]
TOML
pp="$BIN/venv-bootstrap -q --python $PY --installer uv --offline --find-links wheels --group dev"
env PATH="$UVDIR:$PATH" $pp -- true
compare "pyproject.toml project, warm start (target: <=2 ms over true)" \
    "env PATH=$UVDIR:$PATH $pp -- true" \
    "true"
compare_mixed "pyproject.toml project, cold build with uv (venv made, pip seeded, 5 packages)" \
    "env PATH=$UVDIR:$PATH $BIN/venv-bootstrap -q --venv .cold-pp --python $PY --installer uv --offline --find-links wheels --group dev --force" \
    -- "sh -c 'rm -rf .cold-uvpp && $UV venv -q --python $PY .cold-uvpp && $UV pip install -q --python .cold-uvpp/bin/python --offline --no-index --find-links wheels alpha beta gamma delta epsilon'"
UV_PYTHON_DOWNLOADS=never "$UV" lock -q --offline --no-index --find-links wheels --python "$PY"
lk="$BIN/venv-bootstrap -q --python $PY --installer uv --offline --find-links wheels --group dev"
rm -rf .nix-venv
env PATH="$UVDIR:$PATH" $lk -- true
compare "uv.lock project, warm start vs uv sync on a synced venv (uv's own no-op)" \
    "env PATH=$UVDIR:$PATH $lk -- true" \
    "env UV_PROJECT_ENVIRONMENT=.nix-venv UV_PYTHON_DOWNLOADS=never $UV sync -q --frozen --inexact --offline --no-index --find-links wheels --group dev" \
    "true"
compare_mixed "uv.lock project, cold build" \
    "env PATH=$UVDIR:$PATH $BIN/venv-bootstrap -q --venv .cold-lk --python $PY --installer uv --offline --find-links wheels --group dev --force" \
    -- "sh -c 'rm -rf .cold-uvsync && UV_PROJECT_ENVIRONMENT=.cold-uvsync UV_PYTHON_DOWNLOADS=never $UV sync -q --frozen --offline --no-index --find-links wheels --group dev --python $PY'"

# The Jupyter kernel (venv-bootstrap --kernel): start to the first reply and a cell printing
# 10 MB, as JupyterLab runs kernels (jupyter_client), beside ipykernel's own kernelspec
# (python -m ipykernel_launcher) on the same venv. Ours also brings the venv up to date, reads
# .env and redacts every message. ipykernel's wheels come from PyPI (pip download).
mkdir -p "$WORK/kernel" && cd "$WORK/kernel"
"$PYTHON" -m pip install -q jupyter_client
"$PYTHON" -m pip download -q --only-binary :all: -d wheels ipykernel
printf 'OPENAI_API_KEY=sk-bench-0123456789abcdef\nMODEL=llama3\n' > .env
: > requirements.txt
export JUPYTER_DATA_DIR=$WORK/kernel/jupyter JUPYTER_RUNTIME_DIR=$WORK/kernel/runtime \
    IPYTHONDIR=$WORK/kernel/ipython UV_CACHE_DIR=$WORK/kernel/uv-cache
env PATH="$UVDIR:$PATH" "$BIN/venv-bootstrap" -q --python "$PY" --installer uv --offline \
    --find-links wheels --kernel bench-ours
mkdir -p jupyter/kernels/bench-plain
cat > jupyter/kernels/bench-plain/kernel.json <<JSON
{"argv": ["$PWD/.nix-venv/bin/python", "-Xfrozen_modules=off", "-m", "ipykernel_launcher",
  "-f", "{connection_file}"], "display_name": "plain", "language": "python"}
JSON
env PATH="$UVDIR:$PATH" "$PYTHON" "$ROOT/bench/kernel.py" "$WORK/kstart.json" "$WORK/kprint.json" \
    "$WORK/kstop.json" 10 bench-ours bench-plain 2>/dev/null
python3 "$ROOT/bench/report.py" "Jupyter kernel, start to the first reply (ours: venv check, .env, redaction)" "$WORK/kstart.json"
python3 "$ROOT/bench/report.py" "Jupyter kernel, a cell printing 10 MB (ours: every message redacted)" "$WORK/kprint.json"
python3 "$ROOT/bench/report.py" "Jupyter kernel, shutdown (ours drains its redacted log pipes)" "$WORK/kstop.json"
