complete -c envset -s f -l file -d 'The file to write (created 0600 if missing)' -r -F
complete -c envset -l from-example -d 'Ask for each key of EXAMPLE that FILE lacks or has empty, showing the comments above it and its value as the default' -r -F
complete -c envset -l port -d 'With --web: the port to listen on (default: one the OS picks)' -r
complete -c envset -l timeout -d 'With --web: give up after SECS without a successful submit (exit 1, nothing written)' -r
complete -c envset -l lock-timeout -d 'Give up (exit 2, nothing written) when another process holds the lock this long' -r
complete -c envset -l generate -d 'Print a man page or a shell completion script, then exit' -r -f -a "man\t'A roff man page'
complete-bash\t'bash completions'
complete-zsh\t'zsh completions'
complete-fish\t'fish completions'"
complete -c envset -s u -l unset -d 'Remove the KEYs given (every line of each; a missing key is not an error)'
complete -c envset -l if-unset -d 'Leave keys that already have a non-empty value as they are'
complete -c envset -l confirm -d 'At a terminal, ask twice; the answers must match'
complete -c envset -l stdin-all -d 'Take the whole of standard input as the value of the one KEY (multi-line values)'
complete -c envset -l web -d 'Ask in a one-shot browser page on 127.0.0.1 instead of at the terminal; its URL (with a secret token) goes to stdout'
complete -c envset -l open -d 'With --web: open the page in the browser ($BROWSER, \'%s\' for where the target goes; else xdg-open or open), through a private redirect file: the token never appears in a process\'s arguments'
complete -c envset -l visible -d 'Echo answers to --from-example questions (they are hidden by default)'
complete -c envset -l unportable -d 'Write a value that only envget (dotenvy) reads back exactly, instead of refusing it'
complete -c envset -l allow-owner-change -d 'Rewrite FILE even when it belongs to another user or group (it then becomes yours)'
complete -c envset -l gitignore -d 'If FILE is in a git work tree and not ignored, add it (and its lock) to .gitignore'
complete -c envset -s h -l help -d 'Print help'
complete -c envset -s V -l version -d 'Print version'
