"""The Ray engine: one Ray task per file, on a new local cluster or an existing one."""
from __future__ import annotations

import contextlib
import os
import time
from collections import deque
from typing import Callable, Iterator, Optional

from .inputs import Job
from .local import POLL_S
from .work import _error_obj, _safe_call, process_file, warm_up

def _ray_task(task: Callable[[str], dict], path: str, ocr: bool) -> dict:
    """One file in a Ray worker; the worker process warms up on its first file and keeps it."""
    with contextlib.suppress(Exception):
        warm_up(ocr)
    return _safe_call(task, path)


def run_ray(jobs: list[Job], workers: int, timeout_s: float, address: Optional[str] = None,
            task: Callable[[str], dict] = process_file, ocr: bool = False) -> Iterator[tuple[Job, dict]]:
    """Run jobs as Ray tasks, one per file, on the cluster at ``address`` or a new local one.

    A new local cluster gets ``workers`` CPUs; on a joined cluster as many files run at once as
    it has CPUs.  The files must be readable at the same path on every node.  A task over
    ``timeout_s`` (counted from submission; no more tasks are in flight than CPUs) is cancelled,
    which kills its worker.
    """
    if not jobs:
        return
    import ray
    own = not ray.is_initialized()
    if own:
        ray.init(address=address or "local", num_cpus=None if address else workers,
                 include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    try:
        slots = int(ray.cluster_resources().get("CPU", workers)) if address else workers
        remote = ray.remote(num_cpus=1, max_retries=0)(_ray_task)
        queue, running = deque(jobs), {}
        while queue or running:
            while queue and len(running) < max(1, slots):
                job = queue.popleft()
                running[remote.remote(task, os.path.abspath(job.path), ocr)] = (job, time.monotonic())
            ready, _ = ray.wait(list(running), num_returns=1, timeout=POLL_S)
            for ref in ready:
                job, _t = running.pop(ref)
                try:
                    yield job, ray.get(ref)
                except ray.exceptions.RayError as e:
                    kind = "crash" if isinstance(e, ray.exceptions.WorkerCrashedError) else "internal"
                    yield job, _error_obj(kind, f"ray task failed: {type(e).__name__}")
            now = time.monotonic()
            for ref, (job, t0) in list(running.items()):
                if now - t0 > timeout_s:
                    ray.cancel(ref, force=True)
                    del running[ref]
                    yield job, _error_obj("timeout", f"timed out after {timeout_s:g} s; task cancelled")
    finally:
        if own:
            ray.shutdown()
