#!/usr/bin/env bash
# The dev shell's start-up hook (the flake's FHS run script reads this file; CI runs it with
# bash and no Nix). In the project folder:
#   1. if .env.example exists, ask for the keys .env lacks (hidden input); a returning user is
#      asked nothing and sees nothing;
#   2. become the user's shell (or the command given) inside .nix-venv, built or refreshed only
#      when requirements.txt changed. A failed install warns and still starts the shell.
# Usage: shell-hook.sh [COMMAND [ARGS]...]     default COMMAND: $SHELL, else bash
set -euo pipefail

if [ -f .env.example ]; then
    envset --if-unset --from-example .env.example
fi
if [ "$#" -eq 0 ]; then
    set -- "${SHELL:-bash}"
fi
exec venv-bootstrap --on-error warn -- "$@"
