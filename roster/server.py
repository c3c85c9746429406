"""A warm `roster`: `roster serve` keeps the libraries loaded, and each command starts from it.

Most of a short command's time is the start: Python importing pandas, OR-Tools and pydantic takes
0.7-0.9 s before any work, on every command. `roster serve` does that once and waits on a Unix
socket. The `roster` command (`main` here, which imports nothing heavy) asks the server first: the
server forks a copy of itself, already warm, which takes over the command's own terminal (its
standard input, output and error are passed over the socket), its working folder and its
environment, runs the command exactly as it would have run alone and sends back its exit code.
Ctrl-C and SIGTERM are passed on to it. Without a server, or when it cannot take the command, the
command runs as usual, in its own process: the server only ever saves time.

The server refuses what it should not run: a connection from another user, and any command once
the code has changed since it started (it then stops, and the command runs alone, on the new
code). It stops by itself after an idle period, and with `roster serve --stop`.
"""

from __future__ import annotations

import array
import contextlib
import fcntl
import gc
import hashlib
import json
import os
import signal
import socket
import struct
import sys
import sysconfig
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

CODE = Path(__file__).resolve().parent.parent  # the folder holding roster/, models/, cli.py
PACKAGES = ("roster", "models", "constraints", "scenarios")
MAX_REQUEST = 1 << 20  # bytes: the arguments and the environment of one command
FIRST_ANSWER = 10.0  # seconds the client waits for the server to take a command


def socket_path() -> Path:
    """Where this installation's server listens: one per user and per copy of the code."""
    folder = os.environ.get("ROSTER_SERVER_DIR")
    if folder is None:
        runtime = os.environ.get("XDG_RUNTIME_DIR")
        folder = str(Path(runtime) / "roster") if runtime else f"/tmp/roster-{os.getuid()}"
    tag = hashlib.sha256(str(CODE).encode()).hexdigest()[:12]
    return Path(folder) / f"server-{tag}.sock"


def code_stamp() -> int:
    """The newest modification time (ns) of the code the server runs, and of the folder of the
    installed libraries (a package installed, upgraded or removed): a change means a restart."""
    newest = (CODE / "cli.py").stat().st_mtime_ns if (CODE / "cli.py").exists() else 0
    with contextlib.suppress(OSError):
        newest = max(newest, Path(sysconfig.get_paths()["purelib"]).stat().st_mtime_ns)
    for package in PACKAGES:
        for path in _files(CODE / package):
            newest = max(newest, path.stat().st_mtime_ns)
    return newest


def _files(folder: Path) -> Iterator[Path]:
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                yield from _files(Path(entry.path))
            elif entry.name.endswith((".py", ".json", ".csv", ".yaml")):
                yield Path(entry.path)


# ---------------------------------------------------------------------------------- the client


def main() -> None:
    """The `roster` command: through the server when one is running, else in this process."""
    if os.environ.get("ROSTER_NO_SERVER") != "1":
        code = client(sys.argv[1:])
        if code is not None:
            os._exit(code)
    import cli

    cli.main()


def client(argv: list[str]) -> int | None:
    """Run `roster ARGV` through the server: its exit code, or None when no server took it."""
    path = socket_path()
    if not path.exists():
        return None
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:  # a closed stream (`2>&-`): the socket would take its number; run alone
            return None
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(str(path))
        umask = os.umask(0o022)
        os.umask(umask)
        request = {
            "argv": argv,
            "cwd": os.getcwd(),
            "env": dict(os.environ),
            "streams": [[s.encoding, s.errors] if s else None for s in (sys.stdin, sys.stdout, sys.stderr)],
            "umask": umask,
        }
        data = json.dumps(request).encode()
        conn.settimeout(FIRST_ANSWER)  # a wedged server: run alone rather than wait
        conn.sendall(struct.pack("!I", len(data)) + data)
        reader = conn.makefile("rb")
        first = json.loads(reader.readline() or b"{}")
        if first.get("ready"):
            # the streams go only to a server that has answered: one that accepts nothing (stopped,
            # wedged) never holds them, so a pipeline ends when the command, run alone, ends
            fds = array.array("i", [0, 1, 2])
            conn.sendmsg([b"F"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, fds.tobytes())])
            first = json.loads(reader.readline() or b"{}")
        conn.settimeout(None)  # the command itself takes as long as it takes
    except (OSError, ValueError):
        conn.close()
        return None  # no server (a socket left by one that died), or one that stopped: run alone
    if "pid" not in first:
        conn.close()
        return None  # the server would not take it (its code is out of date): run alone
    child = int(first["pid"])

    def forward(signum: int, _frame: object) -> None:
        with contextlib.suppress(OSError):
            os.kill(child, signum)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, forward)
    try:
        last = json.loads(reader.readline() or b"{}")
    except (OSError, ValueError):
        last = {}
    if "exit" not in last and _reader_gone():
        # `roster ... | head`: the command ended, as alone, by SIGPIPE; end the same way, quietly
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGPIPE)
    if "exit" not in last:
        print("roster: the warm process running this command stopped without an answer", file=sys.stderr)
        return 1
    return int(last["exit"])


def _reader_gone() -> bool:
    """Whether stdout or stderr is a pipe whose reader has closed it (what kills by SIGPIPE)."""
    import select

    poll = select.poll()
    for fd in (1, 2):
        poll.register(fd, select.POLLOUT)
    return any(event & select.POLLERR for _, event in poll.poll(0))


# ---------------------------------------------------------------------------------- the server


def serve(run: Callable[[list[str]], int], idle: float, say: Callable[[str], None]) -> int:
    """Take commands until `idle` seconds pass without one (or SIGTERM, Ctrl-C, `--stop`);
    `run(argv)` runs one command in a forked child and returns its exit code. 0 when stopped."""
    path = socket_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.parent.stat().st_uid != os.getuid() or path.parent.stat().st_mode & 0o077:
        say(f"{path.parent} is not private to this user (mode 700): no server started")
        return 2
    lock = os.open(path.with_suffix(".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # held for the server's life
    except OSError:
        os.close(lock)
        say(f"a roster server is already running ({path})")
        return 0
    with contextlib.suppress(FileNotFoundError):
        path.unlink()  # left by a server that was killed
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen(16)
    listener.settimeout(idle)
    stamp = code_stamp()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # a command's child reaps itself
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    say(f"Serving roster commands from {path} (stops after {idle / 60:g} min idle; Ctrl-C to stop)")
    try:
        while True:
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                say("idle: stopped")
                return 0
            with conn:
                if _take(conn, run, stamp, [listener.fileno(), lock]) == "stop":
                    say("stopped")
                    return 0
    except KeyboardInterrupt:
        say("stopped")
        return 0
    finally:
        listener.close()
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        os.close(lock)


def stop() -> bool:
    """Ask the running server to stop; whether one was running."""
    path = socket_path()
    if not _answers(path):
        return False
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.connect(str(path))
        data = json.dumps({"stop": True}).encode()
        conn.sendall(struct.pack("!I", len(data)) + data)
        conn.makefile("rb").readline()
    return True


def _answers(path: Path) -> bool:
    if not path.exists():
        return False
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        try:
            probe.connect(str(path))
        except OSError:
            return False
    return True


def _take(conn: socket.socket, run: Callable[[list[str]], int], stamp: int, servers: list[int]) -> str:
    """One connection: a command (forked), a stop, or a refusal. `servers`: the server's own
    descriptors (its socket, its lock), which a command's child closes."""
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _, uid, _ = struct.unpack("3i", creds)
    if uid != os.getuid():
        return "refused"
    conn.settimeout(5)
    try:
        request, fds = _receive(conn)
    except (OSError, ValueError):
        return "refused"
    try:
        if request.get("stop"):
            conn.sendall(b"{}\n")
            return "stop"
        if code_stamp() != stamp:
            conn.sendall(b'{"stale": true}\n')
            return "stop"
        conn.sendall(b'{"ready": true}\n')
        _, ancillary, _, _ = conn.recvmsg(1, socket.CMSG_SPACE(3 * array.array("i").itemsize))
        passed = _descriptors(ancillary)
        fds += passed  # all closed below, in the server
        if len(passed) != 3 or len(fds) != 3:
            return "refused"
        # Everything the server holds goes to the collector's permanent generation first, so
        # that the child's collections never walk it: each object they touched would copy its
        # page of the server's memory into the child (copy-on-write). Measured against a server
        # without it, alternating, three rounds of 7: the bundled cohort's solve 0.47-0.49 s ->
        # 0.42-0.46 s (medians), small.yaml 0.33 s -> 0.25 s; a year's, within its noise. The
        # objects are the warm libraries', which the server keeps anyway.
        gc.freeze()
        child = os.fork()
        if child == 0:
            for fd in servers:
                os.close(fd)
            _child(conn, passed, request, run)  # never returns
        conn.sendall(json.dumps({"pid": child}).encode() + b"\n")
        return "forked"
    except OSError:
        return "refused"
    finally:
        for fd in fds:
            with contextlib.suppress(OSError):
                os.close(fd)


def _descriptors(ancillary: list[tuple[int, int, bytes]]) -> list[int]:
    """The file descriptors passed in a message's ancillary data (SCM_RIGHTS)."""
    fds = array.array("i")
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(data[: len(data) - len(data) % fds.itemsize])
    return list(fds)


def _receive(conn: socket.socket) -> tuple[dict[str, Any], list[int]]:
    """A request (and any descriptors wrongly sent with it, to be closed)."""
    head, ancillary, _, _ = conn.recvmsg(4, socket.CMSG_SPACE(3 * array.array("i").itemsize))
    fds = _descriptors(ancillary)
    if len(head) != 4:
        raise ValueError("short request")
    (size,) = struct.unpack("!I", head)
    if size > MAX_REQUEST:
        raise ValueError("request too large")
    body = b""
    while len(body) < size:
        part = conn.recv(size - len(body))
        if not part:
            raise ValueError("short request")
        body += part
    request = json.loads(body)
    if not isinstance(request, dict):
        raise ValueError("not a request")
    return request, fds


def _child(
    conn: socket.socket, fds: list[int], request: dict[str, Any], run: Callable[[list[str]], int]
) -> None:
    """In the forked child: become the client's process (streams, folder, environment), run."""
    code = 1
    try:
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
        for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP, signal.SIGPIPE):
            signal.signal(signum, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.umask(int(request.get("umask", 0o022)))
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update({str(k): str(v) for k, v in request["env"].items()})
        streams = request.get("streams") or [None, None, None]
        default = [["utf-8", "surrogateescape"], ["utf-8", "surrogateescape"], ["utf-8", "backslashreplace"]]
        kinds = [(s or d) for s, d in zip(streams, default, strict=True)]
        sys.stdin = _stream(0, "r", *kinds[0])
        sys.stdout = _stream(1, "w", *kinds[1])
        sys.stderr = _stream(2, "w", *kinds[2])
        _die_with_client(conn)
        sys.argv = ["roster", *[str(a) for a in request["argv"]]]
        code = run(sys.argv[1:])
    except BaseException:  # a bug in the command: its traceback, as a lone run would print it
        with contextlib.suppress(BaseException):
            sys.excepthook(*sys.exc_info())  # typer's, as alone (a rich traceback)
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        with contextlib.suppress(OSError):
            conn.sendall(json.dumps({"exit": code}).encode() + b"\n")
        os._exit(code)


def _die_with_client(conn: socket.socket) -> None:
    """A command whose client was killed (SIGKILL, a crash) ends as it would alone, at once: it
    does not run on unseen and write its output files later. The client never sends more, so the
    connection reads end-of-file only when it has gone."""
    import threading

    conn.settimeout(None)

    def watch() -> None:
        with contextlib.suppress(OSError):
            conn.recv(1)
        os.kill(os.getpid(), signal.SIGKILL)

    threading.Thread(target=watch, daemon=True).start()


def _stream(fd: int, mode: str, encoding: str, errors: str = "strict") -> Any:
    """A standard stream on `fd` as Python would open it: line-buffered on a terminal."""
    line = mode == "w" and os.isatty(fd)
    return open(fd, mode, encoding=encoding, errors=errors, closefd=False, buffering=1 if line else -1)
