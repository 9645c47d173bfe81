complete -c envscan -s f -l env-file -d 'A .env file whose secret values are looked for (repeatable; default ./.env)' -r -F
complete -c envscan -l example -d 'The example whose @sensitive and @public say which keys are secret (default: ./.env.example when there is one; else, and for keys it does not declare, the name rule)' -r -F
complete -c envscan -l history -d 'Scan every version of every file in the history of REV-RANGE (default HEAD)' -r
complete -c envscan -l format -d 'Output format of the findings' -r -f -a "text\t'One line per finding: FILE:LINE: KEY (FORM)'
json\t'One JSON object: findings and skipped keys'"
complete -c envscan -l generate -d 'Print a man page or a shell completion script' -r -f -a "man\t'A roff man page'
complete-bash\t'bash completions'
complete-zsh\t'zsh completions'
complete-fish\t'fish completions'"
complete -c envscan -l all -d 'Scan ignored files too (in a git repository)'
complete -c envscan -l staged -d 'Scan what is staged, as staged (the index), for a pre-commit hook'
complete -c envscan -l redact -d 'Copy standard input to standard output with every value replaced by [redacted:KEY]'
complete -c envscan -l install-hook -d 'Add `envscan --staged` to .git/hooks/pre-commit, keeping what is there'
complete -c envscan -s h -l help -d 'Print help'
complete -c envscan -s V -l version -d 'Print version'
