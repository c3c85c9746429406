"""`roster serve`: a command through the warm server gives what it gives alone, or runs alone."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from roster import server
from roster.analysis.check import check_report
from roster.loading import load_scenario
from roster.outputs.folder import read_tables
from tests.conftest import SCENARIOS, start_year_solve

ROSTER = [sys.executable, "-m", "roster"]


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """A running `roster serve` in a private folder; the environment that reaches it."""
    folder = tmp_path / "server"
    monkeypatch.setenv("ROSTER_SERVER_DIR", str(folder))
    monkeypatch.delenv("ROSTER_NO_SERVER", raising=False)
    env = {**os.environ}
    process = subprocess.Popen(
        [*ROSTER, "serve", "--idle", "5"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not server._answers(server.socket_path()):
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()[0]
        time.sleep(0.05)
    yield {**env, "ROSTER_TEST_SERVER_PID": str(process.pid)}
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert not server.socket_path().exists()


def alone(env: dict[str, str]) -> dict[str, str]:
    return {**env, "ROSTER_NO_SERVER": "1"}


def test_a_command_through_the_server_writes_what_it_writes_alone(
    served: dict[str, str], tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    scenario = SCENARIOS / "cohort.yaml"
    args = ["solve", str(scenario), "--deterministic", "--quiet", "--out"]
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    try:
        warm = server.client([*args, str(tmp_path / "warm")])  # None would mean it ran nowhere
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
    printed = capfd.readouterr()
    lone = subprocess.run(
        [*ROSTER, *args, str(tmp_path / "alone")], env=alone(served), capture_output=True, text=True
    )
    assert warm == lone.returncode == 0, printed.err
    assert printed.out == lone.stdout.replace(str(tmp_path / "alone"), str(tmp_path / "warm"))
    for name in ("roster.csv", "accommodation.csv", "bookings.csv"):
        assert (tmp_path / "warm" / name).read_bytes() == (tmp_path / "alone" / name).read_bytes()
    assert check_report(load_scenario(scenario), read_tables(tmp_path / "warm")).valid


def test_bad_input_through_the_server_is_the_same_error_and_exit_code(
    served: dict[str, str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: Bad\nstart: 2026-09-07\nweeks: four\n")
    warm = subprocess.run([*ROSTER, "validate", str(bad)], env=served, capture_output=True, text=True)
    lone = subprocess.run([*ROSTER, "validate", str(bad)], env=alone(served), capture_output=True, text=True)
    assert warm.returncode == lone.returncode == 2
    assert warm.stderr == lone.stderr and f"{bad}:3" in warm.stderr


def test_ctrl_c_reaches_a_command_run_by_the_server(served: dict[str, str], tmp_path: Path) -> None:
    process, scenario, out = start_year_solve(tmp_path, ROSTER, served)
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=120)
    assert process.returncode in (0, 1), output.decode()[-2000:]
    assert json.loads((out / "summary.json").read_text())["status"] in ("feasible", "optimal")
    assert check_report(load_scenario(scenario), read_tables(out)).valid


def test_without_a_server_or_with_changed_code_a_command_runs_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROSTER_SERVER_DIR", str(tmp_path / "none"))
    assert server.client(["validate"]) is None  # nobody listening: the caller runs it
    (tmp_path / "none").mkdir()
    server.socket_path().touch()  # a socket file left by a server that was killed
    assert server.client(["validate"]) is None
    code = tmp_path / "code"
    (code / "roster").mkdir(parents=True)
    (code / "roster" / "a.py").write_text("")
    monkeypatch.setattr(server, "CODE", code)
    before = server.code_stamp()
    os.utime(code / "roster" / "a.py", ns=(before + 10**9, before + 10**9))
    assert server.code_stamp() != before  # the server stops and the command runs on the new code


def test_the_server_stops_when_idle_and_when_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROSTER_SERVER_DIR", str(tmp_path / "server"))
    idle = subprocess.run(
        [*ROSTER, "serve", "--idle", "0.01"], env={**os.environ}, capture_output=True, text=True, timeout=60
    )
    assert idle.returncode == 0 and "idle" in idle.stdout, idle.stdout + idle.stderr
    assert not server.socket_path().exists()
    process = subprocess.Popen([*ROSTER, "serve"], env={**os.environ}, stdout=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not server._answers(server.socket_path()):
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    stopped = subprocess.run([*ROSTER, "serve", "--stop"], env={**os.environ}, capture_output=True, text=True)
    assert stopped.returncode == 0 and "Stopped" in stopped.stdout
    assert process.wait(timeout=30) == 0
    for minutes in ("0", "1e9"):  # 1e9 minutes overflowed the socket's timeout: a traceback
        bad = subprocess.run(
            [*ROSTER, "serve", "--idle", minutes], env={**os.environ}, capture_output=True, text=True
        )
        assert bad.returncode == 2 and "--idle" in bad.stderr and "Traceback" not in bad.stderr


def test_a_served_command_keeps_the_callers_umask_and_a_second_server_stands_down(
    served: dict[str, str], tmp_path: Path
) -> None:
    args = ["solve", str(SCENARIOS / "small.yaml"), "--deterministic", "--quiet", "--out"]
    for name, env in (("warm", served), ("alone", alone(served))):
        done = subprocess.run(
            [*ROSTER, *args, str(tmp_path / name)], env=env, capture_output=True, umask=0o077
        )
        assert done.returncode in (0, 1), done.stderr
    for name in ("roster.csv", "summary.json"):
        modes = {(tmp_path / folder / name).stat().st_mode & 0o777 for folder in ("warm", "alone")}
        assert len(modes) == 1, (name, modes)
    second = subprocess.run([*ROSTER, "serve"], env=served, capture_output=True, text=True, timeout=60)
    assert second.returncode == 0 and "already running" in second.stdout
    assert server._answers(server.socket_path())  # the first still serves


def test_closed_streams_and_undecodable_names_give_what_they_give_alone(
    served: dict[str, str], tmp_path: Path
) -> None:
    named = tmp_path / os.fsdecode(b"\xff.yaml")  # a file name that is not UTF-8
    named.write_bytes((SCENARIOS / "small.yaml").read_bytes())
    runs = {}
    for name, env in (("warm", served), ("alone", alone(served))):
        shown = subprocess.run([*ROSTER, "validate", str(named)], env=env, capture_output=True)
        # `2>&-`: stderr closed, so that a socket would otherwise take descriptor 2
        closed = subprocess.run(
            f"{' '.join(ROSTER)} validate {SCENARIOS / 'small.yaml'} 2>&-",
            shell=True,
            env=env,
            stdout=subprocess.PIPE,
        )
        runs[name] = (shown.returncode, shown.stdout, shown.stderr, closed.returncode, closed.stdout)
    assert runs["warm"] == runs["alone"]
    assert runs["warm"][0] == 0 and b"small" in runs["warm"][4].lower()


def _children(pid: int) -> set[int]:
    return {int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}


def test_a_served_command_ends_when_its_client_is_killed(served: dict[str, str], tmp_path: Path) -> None:
    host = int(served["ROSTER_TEST_SERVER_PID"])
    before = _children(host)
    process, _, out = start_year_solve(tmp_path, ROSTER, served)  # under way in the server's child
    (child,) = _children(host) - before
    process.kill()
    process.wait(timeout=30)
    deadline = time.monotonic() + 30
    while Path(f"/proc/{child}").exists() and child in _children(host):
        assert time.monotonic() < deadline, "the command ran on after its client was killed"
        time.sleep(0.05)
    assert not out.exists()  # as alone: killed before it wrote anything


def test_a_served_command_piped_into_head_ends_as_alone(served: dict[str, str]) -> None:
    line = f"{' '.join(ROSTER)} validate {SCENARIOS / 'cohort.yaml'} | head -1; exit ${{PIPESTATUS[0]}}"
    runs = [
        subprocess.run(["bash", "-c", line], env=env, capture_output=True, timeout=120)
        for env in (served, alone(served))
    ]
    warm, lone = ((run.returncode, run.stdout, run.stderr) for run in runs)
    assert warm == lone, (warm, lone)


def test_a_server_that_never_answers_is_never_handed_the_callers_streams(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A wedged server (stopped, swapped out) would hold the streams it was sent, and a pipeline
    reading them would wait on it: they go only to a server that has answered."""
    import socket

    monkeypatch.setenv("ROSTER_SERVER_DIR", str(tmp_path))
    monkeypatch.setattr(server, "FIRST_ANSWER", 0.2)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(server.socket_path()))
    listener.listen(1)  # but never accepts before the client gives up
    assert server.client(["validate"]) is None  # the caller runs it alone
    conn, _ = listener.accept()
    with conn, listener:
        conn.settimeout(5)
        _, ancillary, _, _ = conn.recvmsg(1 << 16, socket.CMSG_SPACE(64))
        assert ancillary == []
