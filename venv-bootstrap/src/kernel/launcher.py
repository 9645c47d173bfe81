# venv-bootstrap's Jupyter kernel, run by `venv-bootstrap --kernel-start` as
# `python -c THIS CONNECTION_FILE` in the project's venv. Standard input holds, as JSON, the
# patterns to redact (every form of every sensitive value, from envtools_secrets, each with its
# key) and the warnings for the first cell's output. Every message the kernel sends passes
# through Session.serialize, where every string of its content and metadata has each pattern
# replaced by [redacted:KEY]; the kernel's own objects are not changed. A value cut across two
# stream messages (print(v[:4], end=""); print(v[4:])) is caught too: a stream message's end
# that may begin a value waits for the next message, as envtools_secrets' stream redactor does.
# The process's own standard output and error (the Jupyter server's log, where ipykernel echoes
# what subprocesses and C code write) pass through the same redactor, through a pipe each.
import atexit
import codecs
import json
import os
import re
import select
import sys
import threading


def _read_config():
    data = sys.stdin.buffer.read()
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    return json.loads(data or b"{}")


class Redactor:
    def __init__(self, patterns):
        self.names = {}
        for key, text in patterns:
            if text:
                self.names.setdefault(text, "[redacted:%s]" % key)
        # Longest first: at each position the longest value wins (leftmost-longest, as in Rust).
        self.texts = sorted(self.names, key=len, reverse=True)
        self.rx = re.compile("|".join(map(re.escape, self.texts))) if self.texts else None
        self.longest = len(self.texts[0]) if self.texts else 0

    def text(self, s):
        if self.rx is None or not any(t in s for t in self.texts):
            return s
        return self.rx.sub(lambda m: self.names[m.group(0)], s)

    def value(self, v):
        if isinstance(v, str):
            return self.text(v)
        if isinstance(v, dict):
            return {self.value(k): self.value(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return type(v)(self.value(x) for x in v)
        return v

    def partial_at_end(self, s):
        """The length of the longest end of s that begins some pattern, 0 when none does."""
        for k in range(min(len(s), self.longest - 1), 0, -1):
            end = s[-k:]
            if any(len(t) > k and t.startswith(end) for t in self.texts):
                return k
        return 0

    def split(self, s):
        """s cut where what follows may begin a value: (what may go now, what must wait)."""
        cut = len(s) - self.partial_at_end(s)
        if self.rx is not None:
            for m in self.rx.finditer(s):
                if m.start() < cut:
                    cut = max(cut, m.end())
        return s[:cut], s[cut:]


def _install(red):
    from jupyter_client.session import Session

    serialize, send = Session.serialize, Session.send
    lock = threading.RLock()
    held = {}  # stream name -> (session, socket, text, parent, ident)

    def redacted_serialize(self, msg, ident=None):
        msg = dict(msg)
        for part in ("content", "metadata"):
            if isinstance(msg.get(part), dict):
                msg[part] = red.value(msg[part])
        return serialize(self, msg, ident)

    def flush(names):
        for name in names:
            session, socket, text, parent, ident = held.pop(name)
            send(session, socket, "stream", {"name": name, "text": text}, parent, ident)

    def send_stream(self, stream, msg, content, parent, ident, args):
        name, text = content.get("name"), content.get("text")
        if not isinstance(text, str) or red.rx is None:
            return send(self, stream, msg, content, parent, ident, *args)
        flush([n for n in held if n != name])
        if name in held:
            text = held.pop(name)[2] + text
        now, later = red.split(text)
        if later:
            parent_of = msg.get("parent_header") if isinstance(msg, dict) else parent
            held[name] = (self, stream, later, parent_of, ident)
        if not now:
            return None
        content = dict(content, text=now)
        if isinstance(msg, dict):
            msg = dict(msg, content=content)
        return send(self, stream, msg, content, parent, ident, *args)

    def redacted_send(self, stream, msg_or_type, content=None, parent=None, ident=None, *args, **kw):
        with lock:
            msg_type = msg_or_type
            if isinstance(msg_or_type, dict):
                msg_type = (msg_or_type.get("header") or {}).get("msg_type")
                content = msg_or_type.get("content")
            if msg_type == "stream" and isinstance(content, dict) and not kw:
                return send_stream(self, stream, msg_or_type, content, parent, ident, args)
            flush(list(held))
            if isinstance(msg_or_type, dict):
                content = None
            return send(self, stream, msg_or_type, content, parent, ident, *args, **kw)

    Session.serialize = redacted_serialize
    Session.send = redacted_send


def _guard_fd(fd, red, stop):
    """Make fd a pipe whose text reaches the old fd redacted; the pump thread, to join. Once
    the fd `stop` is readable the pump ends when the pipe is empty (ipykernel keeps a copy of
    the write end, so the end of the pipe never comes)."""
    read_end, write_end = os.pipe()
    original = os.dup(fd)
    os.dup2(write_end, fd)
    os.close(write_end)

    def out(text):
        data = red.text(text).encode("utf-8", "replace")
        while data:
            try:
                data = data[os.write(original, data):]
            except OSError:
                return

    def pump():
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        held = ""
        while True:
            ready, _, _ = select.select([read_end, stop], [], [])
            if read_end not in ready:
                break
            chunk = os.read(read_end, 1 << 16)
            if not chunk:
                break
            now, held = red.split(held + decoder.decode(chunk))
            out(now)
        out(held + decoder.decode(b"", final=True))

    thread = threading.Thread(target=pump, name="venv-bootstrap-redact-fd%d" % fd, daemon=True)
    thread.start()
    return thread


def _guard_output(red):
    """Standard output and error through the redactor, drained at exit."""
    if red.rx is None:
        return
    stop, stopping = os.pipe()
    pumps = [(fd, _guard_fd(fd, red, stop)) for fd in (1, 2)]

    def drain():
        for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
            try:
                stream.flush()
            except Exception:
                pass
        null = os.open(os.devnull, os.O_WRONLY)
        for fd, thread in pumps:
            os.dup2(null, fd)
        os.close(null)
        os.write(stopping, b"x")
        for fd, thread in pumps:
            thread.join(timeout=5)

    atexit.register(drain)


def _warn_first(shell, warnings):
    def first(*_):
        shell.events.unregister("pre_run_cell", first)
        for w in warnings:
            print(w, file=sys.stderr)
        sys.stderr.flush()

    if warnings:
        shell.events.register("pre_run_cell", first)


def main():
    config = _read_config()
    red = Redactor(config.get("patterns", []))
    _guard_output(red)
    # As ipykernel_launcher: the folder goes back on sys.path when IPython starts.
    if sys.path and sys.path[0] == "":
        del sys.path[0]
    try:
        from ipykernel.kernelapp import IPKernelApp
    except ImportError as e:
        sys.exit("venv-bootstrap: the venv has no ipykernel (%s): run venv-bootstrap --kernel" % e)
    _install(red)
    app = IPKernelApp.instance()
    app.initialize(["-f", sys.argv[1]])
    _warn_first(app.shell, config.get("warnings", []))
    app.start()


if __name__ == "__main__":
    main()
