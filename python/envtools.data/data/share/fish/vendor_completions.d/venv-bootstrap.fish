complete -c venv-bootstrap -l venv -d 'The venv folder' -r -F
complete -c venv-bootstrap -l python -d 'The Python to build the venv from (default: python3 on PATH)' -r -F
complete -c venv-bootstrap -s r -l requirement -d 'A requirements file (repeatable). Default: uv.lock (with pyproject.toml), else pyproject.toml, else requirements.txt, whichever the folder has first' -r -F
complete -c venv-bootstrap -l group -d 'pyproject.toml: also install this [dependency-groups] group (repeatable)' -r
complete -c venv-bootstrap -l extra -d 'pyproject.toml: also install this [project.optional-dependencies] extra (repeatable)' -r
complete -c venv-bootstrap -s c -l constraint -d 'A constraints file (repeatable)' -r -F
complete -c venv-bootstrap -l installer -d 'Which installer to use; auto picks uv when it is on PATH (uv also puts pip into a new venv, far faster than ensurepip)' -r -f -a "pip\t''
uv\t''
auto\t''"
complete -c venv-bootstrap -l find-links -d 'A folder of wheels to install from' -r -F
complete -c venv-bootstrap -l on-error -d 'When the install fails: fail (COMMAND not run), or warn and run COMMAND anyway' -r -f -a "fail\t''
warn\t''"
complete -c venv-bootstrap -l print-env -d 'Print what activation sets, for eval "$(venv-bootstrap --print-env)"' -r -f -a "sh\t''
fish\t''
json\t''"
complete -c venv-bootstrap -l kernel -d 'Register (or refresh) the project\'s Jupyter kernel, named NAME (default: the folder\'s name and a hash of its path)' -r
complete -c venv-bootstrap -l remove-kernel -d 'Unregister the project\'s Jupyter kernel NAME (default as for --kernel)' -r
complete -c venv-bootstrap -l kernel-start -d 'What a registered kernel runs: NAME PROJECT CONNECTION_FILE' -r -F
complete -c venv-bootstrap -l generate -d 'Print a man page or a shell completion script, then exit' -r -f -a "man\t'A roff man page'
complete-bash\t'bash completions'
complete-zsh\t'zsh completions'
complete-fish\t'fish completions'"
complete -c venv-bootstrap -l no-project -d 'pyproject.toml: do not install the project itself (editable) even when it has a [build-system]'
complete -c venv-bootstrap -l offline -d 'No index access (pip --no-index), with --find-links if given'
complete -c venv-bootstrap -l no-upgrade-pip -d 'Do not upgrade pip when the venv is created'
complete -c venv-bootstrap -l clean-pythonpath -d 'Remove PYTHONPATH from COMMAND\'s environment (it shadows the venv\'s packages)'
complete -c venv-bootstrap -l force -d 'Rebuild the venv from scratch'
complete -c venv-bootstrap -l check -d 'Only report whether the venv is up to date (exit 0 yes, 1 no); change nothing'
complete -c venv-bootstrap -s q -l quiet -d 'Print only errors: no step lines, no live status line (the installer\'s last lines still show when it fails)'
complete -c venv-bootstrap -s v -l verbose -d 'Say what is checked and run, and show the installer\'s own output as it comes'
complete -c venv-bootstrap -s h -l help -d 'Print help'
complete -c venv-bootstrap -s V -l version -d 'Print version'
