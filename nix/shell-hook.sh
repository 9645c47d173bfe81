#!/usr/bin/env bash
# The dev shell's start-up, in the form that *becomes* a program: the FHS env's run script
# (Linux devShells.default). It sources nix/startup.sh from its own folder (ask for missing
# keys, build or refresh .nix-venv and activate it), then execs COMMAND in that environment:
# its exit status and signals are COMMAND's. When a start-up step fails, it exits with that
# step's status and runs nothing.
# Usage: shell-hook.sh [COMMAND [ARGS]...]     default COMMAND: $SHELL, else bash
set -uo pipefail

. "$(dirname -- "${BASH_SOURCE[0]}")/startup.sh" || exit
if [ "$#" -eq 0 ]; then
    set -- "${SHELL:-bash}"
fi
exec "$@"
