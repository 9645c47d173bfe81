#!/usr/bin/env bash
# The dev shell's start-up, in the form that *becomes* a program: the FHS env's run script
# (Linux devShells.default). It sources nix/startup.sh from its own folder (ask for missing
# keys, build or refresh .nix-venv and activate it), then execs COMMAND in that environment:
# its exit status and signals are COMMAND's. When a start-up step fails, it exits with that
# step's status and runs nothing.
# Usage: shell-hook.sh [COMMAND [ARGS]...]     default COMMAND: $SHELL, else bash
# Inside the FHS env, $SHELL of a zsh or fish user on a non-NixOS machine (/usr/bin/zsh) is a
# path that may not exist: then one line says so and bash starts instead.
set -uo pipefail

. "$(dirname -- "${BASH_SOURCE[0]}")/startup.sh" || exit
if [ "$#" -eq 0 ]; then
    shell=${SHELL:-bash}
    if ! command -v -- "$shell" >/dev/null 2>&1; then
        echo "envtools: your shell $shell is not in this environment; starting bash" >&2
        shell=bash
    fi
    set -- "$shell"
fi
exec "$@"
