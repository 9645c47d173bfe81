complete -c envget -s f -l file -d 'Read FILE (default ./.env); repeat for more, later files win; `-` is standard input' -r -F
complete -c envget -s d -l default -d 'Print VALUE for a KEY that is not set, and exit 0; a missing file then counts as empty' -r
complete -c envget -l format -d 'Print every key (or only the KEYs given) as dotenv (KEY=value lines python-dotenv and sh read back unchanged), json (one object, file order), shell (export lines for eval) or names' -r -f -a "dotenv\t'KEY=value lines that envget, python-dotenv and `sh` all read back unchanged'
json\t'One JSON object, keys in file order'
shell\t'`export KEY=\'value\'` lines, for `eval` in sh, bash and zsh'
names\t'The key names, one per line'
example\t'The file as an .env.example: comments, order and layout kept, the values of sensitive keys (by their names) emptied (one -f file)'"
complete -c envget -l check -d 'Check what a command would see against EXAMPLE read as a schema (@env-spec): missing and malformed keys, one line each (exit 1); with COMMAND, it runs only when all is well' -r -F
complete -c envget -l generate -d 'Print a man page or a shell completion script, then exit' -r -f -a "man\t'A roff man page'
complete-bash\t'bash completions'
complete-zsh\t'zsh completions'
complete-fish\t'fish completions'"
complete -c envget -s 0 -l null -d 'End each value (or name) with NUL instead of a newline, for `xargs -0`'
complete -c envget -l strict -d 'Treat a line the parser rejects as an error (exit 2), not a warning'
complete -c envget -l override -d 'With COMMAND: the file\'s values replace variables already in the environment'
complete -c envget -l redact -d 'With COMMAND: its stdout and stderr pass through envscan\'s matcher, every secret value of the files replaced by [redacted:KEY] (envget stays, and ends as COMMAND ends)'
complete -c envget -s h -l help -d 'Print help'
complete -c envget -s V -l version -d 'Print version'
