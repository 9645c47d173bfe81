complete -c ollama-chat -s m -l model -d 'The model (default: OLLAMA_MODEL)' -r
complete -c ollama-chat -l url -d 'The chat endpoint or server URL (default: OLLAMA_API_URL, then OLLAMA_HOST)' -r
complete -c ollama-chat -l host -d 'The server, with Ollama\'s OLLAMA_HOST rules (host, host:port, http://host:port)' -r
complete -c ollama-chat -l env-file -d 'Read configuration from this .env file instead of ./.env' -r -F
complete -c ollama-chat -s a -l attach -d 'Put a file in the message: a text file fenced and named, an image (PNG, JPEG, WebP, GIF) as an image; at most 20 MiB each (repeatable)' -r -F
complete -c ollama-chat -l cid -d 'Continue the conversation ID of the log' -r
complete -c ollama-chat -l search -d 'With --logs: only conversations whose prompts or answers hold TEXT (any case)' -r
complete -c ollama-chat -s t -l template -d 'Use the saved template NAME: its system message, model and options (flags override)' -r
complete -c ollama-chat -l save -d 'Save this call\'s system message, model and options as template NAME, and exit' -r
complete -c ollama-chat -s s -l system -d 'A system message' -r
complete -c ollama-chat -s o -l option -d 'A model option, e.g. temperature=0 or num_ctx=8192 (repeatable)' -r
complete -c ollama-chat -l format -d 'Structured output: `json`, or a JSON schema file' -r
complete -c ollama-chat -l keep-alive -d 'How long the model stays loaded (e.g. 5m, 0, -1)' -r
complete -c ollama-chat -l history -d 'Load the conversation from FILE before asking, save it with the new turn after' -r -F
complete -c ollama-chat -l timeout -d 'Seconds to wait for the first byte (the model may be loading) and between chunks' -r
complete -c ollama-chat -l api -d 'The protocol; auto: openai when the URL ends in /v1/chat/completions' -r -f -a "auto\t''
ollama\t''
openai\t''"
complete -c ollama-chat -l generate -d 'Print a man page or a shell completion script, then exit' -r -f -a "man\t'A roff man page'
complete-bash\t'bash completions'
complete-zsh\t'zsh completions'
complete-fish\t'fish completions'"
complete -c ollama-chat -l no-redact -d 'Send secret-looking values of .env (and OPENAI_API_KEY, OLLAMA_API_KEY) as they are, instead of replacing them by [redacted:KEY]'
complete -c ollama-chat -l pull -d 'When the server does not have the model, pull it (progress on stderr), then answer'
complete -c ollama-chat -l fit-context -d 'Raise num_ctx for this call so that a long prompt fits (up to the model\'s maximum), instead of letting Ollama cut it; a prompt that did not fit is told on stderr either way'
complete -c ollama-chat -s c -l continue -d 'Continue the last conversation of the log (its model, system message and options, unless given)'
complete -c ollama-chat -l logs -d 'List the last 20 conversations of the log (ID, time, model, turns, first prompt); with --json, their exchanges as JSON lines'
complete -c ollama-chat -l no-log -d 'Do not log this call (also OLLAMA_CHAT_NO_LOG=1)'
complete -c ollama-chat -l templates -d 'List the saved templates (NAME, model, system message) and exit'
complete -c ollama-chat -l think -d 'Ask a thinking model to think (the thinking goes to stderr)'
complete -c ollama-chat -l no-stream -d 'Ask for the whole answer at once instead of streaming'
complete -c ollama-chat -l json -d 'Print the server\'s response objects as NDJSON instead of the text'
complete -c ollama-chat -l stats -d 'After the answer, print token counts, speed and timings on stderr'
complete -c ollama-chat -l list -d 'List the installed models'
complete -c ollama-chat -s i -l interactive -d 'Start the REPL, reading lines from standard input even when it is not a terminal'
complete -c ollama-chat -s h -l help -d 'Print help'
complete -c ollama-chat -s V -l version -d 'Print version'
