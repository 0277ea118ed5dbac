"""Ctrl-C (SIGINT to the process group, as a terminal sends it) and SIGTERM on ``nianbao batch``,
with real signals on a real subprocess: no traceback, the exports written, a line with what was
done and the command that resumes; the resumed run loses nothing and doubles nothing."""
import json
import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from pipeline import batch

from conftest import DATA, ROOT

TEXTS = sorted((DATA / "seeds").glob("*.txt")) + sorted((DATA / "corpus" / "real").glob("*.page.txt"))
COPIES = 2  # distinct copies of each (a trailing newline each): 24 files, a few seconds of work


def _inputs(folder: Path) -> set[str]:
    folder.mkdir(parents=True)
    for k in range(COPIES):
        for p in TEXTS:
            (folder / f"{p.stem}_{k}.txt").write_bytes(p.read_bytes() + b"\n" * k)
    return {batch.file_sha256(str(p)) for p in folder.iterdir()}


def _start(args: list[str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pipeline.cli", "batch", *args, "--no-progress"],
                            cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def _interrupt(proc: subprocess.Popen, results: Path, signum: int, group: bool) -> str:
    """Send ``signum`` once two reports are in the journal; the process's stderr."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if results.exists() and results.read_bytes().count(b"\n") >= 2:
            break
        time.sleep(0.01)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    os.killpg(proc.pid, signum) if group else os.kill(proc.pid, signum)
    _, err = proc.communicate(timeout=120)
    return err


def _check_stopped_run(err: str, rc: int, run: Path, want_rc: int, name: str, all_shas: set) -> list[str]:
    """The stopped run's promises; the resume command it printed, as arguments."""
    assert rc == want_rc, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    summary = json.loads((run / batch.SUMMARY).read_text())
    assert summary["interrupted"] == name
    done = [json.loads(x)["sha256"] for x in (run / batch.RESULTS).read_text().splitlines()]
    assert 2 <= len(done) < len(all_shas), "the signal must land half way"
    assert len(done) == len(set(done)) and set(done) <= all_shas
    fields = pd.read_csv(run / batch.FIELDS_CSV)  # exports written, and they hold what was done
    assert sorted(fields["sha256"]) == sorted(done)
    assert (run / batch.FIELDS_PARQUET).stat().st_size > 0
    assert f"interrupted by {name}: {summary['processed']} of " in err
    assert f"{summary['left']} left" in err and summary["left"] == len(all_shas) - summary["processed"]
    line = [x for x in err.splitlines() if "resume with: " in x]
    assert len(line) == 1
    cmd = shlex.split(line[0].split("resume with: ", 1)[1])
    assert cmd[:2] == ["nianbao", "batch"] and "--out" in cmd
    return cmd[2:]


def _resume(cmd: list[str], run: Path, all_shas: set) -> None:
    p = subprocess.run([sys.executable, "-m", "pipeline.cli", "batch", *cmd, "--no-progress"],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    done = [json.loads(x)["sha256"] for x in (run / batch.RESULTS).read_text().splitlines()]
    assert len(done) == len(set(done)), "a report is in results.jsonl twice"
    assert set(done) == all_shas, "a report was lost"
    assert len(pd.read_csv(run / batch.FIELDS_CSV)) == len(all_shas)


@pytest.mark.parametrize("signum,group,want_rc", [
    (signal.SIGINT, True, 130),    # Ctrl-C: the whole foreground process group, workers too
    (signal.SIGTERM, False, 143),  # kill PID, a service manager
], ids=["sigint", "sigterm"])
def test_signal_stops_local_batch_cleanly_and_resume_finishes(tmp_path, signum, group, want_rc):
    shas = _inputs(tmp_path / "in")
    run = tmp_path / "run"
    proc = _start([str(tmp_path / "in"), "--out", str(run), "--workers", "1"])
    err = _interrupt(proc, run / batch.RESULTS, signum, group)
    cmd = _check_stopped_run(err, proc.returncode, run, want_rc, signal.Signals(signum).name, shas)
    assert cmd == [str(tmp_path / "in"), "--out", str(run), "--workers", "1"]
    _resume(cmd, run, shas)


@pytest.mark.slow
def test_sigint_stops_ray_batch_cleanly_and_resume_finishes(tmp_path):
    pytest.importorskip("ray")
    shas = _inputs(tmp_path / "in")
    run = tmp_path / "run"
    proc = _start([str(tmp_path / "in"), "--out", str(run), "--workers", "1", "--engine", "ray"])
    err = _interrupt(proc, run / batch.RESULTS, signal.SIGINT, True)
    cmd = _check_stopped_run(err, proc.returncode, run, 130, "SIGINT", shas)
    assert "--engine" in cmd
    _resume(cmd, run, shas)
