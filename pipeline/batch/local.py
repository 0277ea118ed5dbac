"""The local engine: worker processes of its own (spawned, warmed up once, killed and replaced
when a file passes the time limit or the worker dies, e.g. a segfault)."""
from __future__ import annotations

import contextlib
import multiprocessing as mp
import multiprocessing.connection
import os
import signal
import time
from collections import deque
from typing import Callable, Iterator, Optional

from .inputs import Job
from .interrupt import _signals_ignored
from .work import _error_obj, _safe_call, process_file, warm_up

POLL_S = 0.5  # the local pool's longest wait between looks at the clock
WORKER_EXIT_WAIT_S = 2.0  # grace for a worker to exit on its own at the end of a run
MAX_START_FAILURES = 3  # workers that die before they are ready, in a row, before giving up

READY = "ready"


def _worker_main(conn, task: Callable[[str], dict], ocr: bool) -> None:
    """A worker: warm up, say so, then read paths and send back objects until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    with contextlib.suppress(Exception):
        warm_up(ocr)
    try:
        conn.send(READY)
        while True:
            path = conn.recv()
            conn.send(_safe_call(task, path))
    except (EOFError, OSError):  # the pipe closed: the run ended or stopped while we worked
        return


class _Worker:
    """One worker process, the job it holds and that job's deadline."""

    def __init__(self, ctx, task, ocr: bool):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, task, ocr), daemon=True)
        with _signals_ignored((signal.SIGINT,)):  # inherited: a Ctrl-C during start-up is not its own
            self.proc.start()
        child.close()
        self.ready, self.job, self.deadline, self.limit = False, None, 0.0, 0.0

    def assign(self, job: Job, timeout_s: float) -> None:
        self.job, self.limit, self.deadline = job, timeout_s, time.monotonic() + timeout_s
        self.conn.send(os.path.abspath(job.path))

    def step(self) -> tuple[Optional[tuple[Job, dict]], bool]:
        """What the worker has to say: (a finished job and its object, or None; must be replaced)."""
        if self.conn.poll():
            try:
                msg = self.conn.recv()
            except (EOFError, OSError):
                return self._died()
            if msg == READY:
                self.ready = True
                return None, False
            job, self.job = self.job, None
            return (job, msg), False
        if not self.proc.is_alive():
            return self._died()
        if self.job and time.monotonic() > self.deadline:
            job = self.job
            self.kill()
            return (job, _error_obj("timeout", f"timed out after {self.limit:g} s; worker replaced")), True
        return None, False

    def _died(self) -> tuple[Optional[tuple[Job, dict]], bool]:
        job = self.job
        self.kill()
        if job is None:
            return None, True
        return (job, _error_obj("crash", f"worker died (exit code {self.proc.exitcode})")), True

    def kill(self) -> None:
        self.job = None
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join()
        self.conn.close()

    def stop(self) -> None:
        """End an idle worker by closing its pipe; kill it if it does not go."""
        self.conn.close()
        self.proc.join(WORKER_EXIT_WAIT_S)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()


def run_local(jobs: list[Job], workers: int, timeout_s: float,
              task: Callable[[str], dict] = process_file, ocr: bool = False) -> Iterator[tuple[Job, dict]]:
    """Run jobs on ``workers`` spawned processes; yield each job with its object as it finishes.

    A job over ``timeout_s`` or whose worker dies yields a ``timeout``/``crash`` error object,
    and the worker is replaced; the other jobs go on.
    """
    if not jobs:
        return
    ctx = mp.get_context("spawn")
    queue = deque(jobs)
    pool = [_Worker(ctx, task, ocr) for _ in range(max(1, min(workers, len(jobs))))]
    start_failures = 0
    try:
        while queue or any(w.job for w in pool):
            for w in pool:
                if w.ready and w.job is None and queue:
                    w.assign(queue.popleft(), timeout_s)
            multiprocessing.connection.wait(
                [w.conn for w in pool] + [w.proc.sentinel for w in pool], timeout=POLL_S)
            for i, w in enumerate(pool):
                was_ready = w.ready
                outcome, replace = w.step()
                if replace:
                    start_failures = 0 if was_ready else start_failures + 1
                    if start_failures > MAX_START_FAILURES:
                        raise RuntimeError("batch workers die while starting up")
                    pool[i] = _Worker(ctx, task, ocr)
                if outcome:
                    yield outcome
    finally:
        for w in pool:
            w.kill() if w.job else w.stop()
