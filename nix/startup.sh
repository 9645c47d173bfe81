# shellcheck shell=sh
# The dev shell's start-up, in the form you *source* (`. nix/startup.sh`): the mkShell
# shellHook (macOS, and devShells.plain everywhere), an .envrc, and the exec form
# (nix/shell-hook.sh) all run exactly this. In the current folder it
#   1. asks for the keys of .env.example that .env lacks or has empty (hidden input at a
#      terminal, else one line of standard input each); a returning user is asked nothing.
#      With ENVTOOLS_NO_ASK set (the template's .envrc sets it: direnv cannot ask), it asks
#      nothing and, when keys are missing, says in one line what to run;
#   2. builds .nix-venv, or refreshes it when the requirements changed (a failed install warns
#      and goes on), and activates it in this shell: VIRTUAL_ENV, VIRTUAL_ENV_PROMPT, the venv's
#      bin first on PATH, PYTHONHOME unset (`venv-bootstrap --print-env`);
#   3. refreshes the project's Jupyter kernels, if any are registered (kernel.json then names
#      this shell's venv-bootstrap and Python), quietly; when the venv was created just now and
#      has no kernel, says in one line how to register one.
# A second start prints nothing and runs no Python. It stops at the first step that fails and
# its status is that step's (0 when all went well). It sets no shell option and leaves no
# variable or function behind. Plain POSIX sh: bash, zsh and dash source it.

if [ ! -f .env.example ]; then
    :
elif [ -n "${ENVTOOLS_NO_ASK-}" ]; then
    envset --if-unset --from-example .env.example </dev/null 2>/dev/null ||
        echo "envtools: .env lacks keys that .env.example lists (or cannot be read); to answer: envset --if-unset --from-example .env.example" >&2
else
    envset --if-unset --from-example .env.example
fi &&
    { [ -d .nix-venv ] || __envtools_new=1; } &&
    __envtools_activation=$(venv-bootstrap --on-error warn --print-env) &&
    eval "$__envtools_activation" &&
    if [ -s .nix-venv/.venv-bootstrap-kernels ]; then
        while IFS= read -r __envtools_kernel; do
            venv-bootstrap -q --on-error warn --kernel "$__envtools_kernel" || :
        done <.nix-venv/.venv-bootstrap-kernels
    elif [ -n "${__envtools_new-}" ]; then
        echo "envtools: for notebooks (JupyterLab, VS Code) with this venv and .env, once: venv-bootstrap --kernel" >&2
    fi
__envtools_status=$?
unset __envtools_activation __envtools_new __envtools_kernel
eval "unset __envtools_status; return $__envtools_status"
