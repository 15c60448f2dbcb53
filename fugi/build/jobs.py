"""Worker processes: how many, and a map over forked workers that hands them their work explicitly.

fork_map(work, items) runs `work` (any callable: a closure holding the archive, the loader …) on every item in
forked processes.  `work` reaches the workers as the pool initializer's argument: with the fork start method a
process's arguments are inherited, not pickled, so the archive is shared at no cost and no module of the build
holds it between stages.  Only each item and each result are pickled.
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor


def jobs() -> int:
    """Worker processes: the cores this process may use (FUGI_JOBS overrides)."""
    setting = os.environ.get("FUGI_JOBS", "")
    if setting.isdigit() and int(setting) > 0:
        return int(setting)
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


_work = None  # in a worker process only: the callable its pool was started with (set by _start, never in the build)


def _start(work) -> None:
    global _work
    _work = work


def _run(item):
    return _work(item)


def fork_map(work, items: list, workers: int) -> list:
    """[work(item) for item in items], spread over `workers` forked processes (in chunks: a few per worker)."""
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_start,
                             initargs=(work,)) as pool:
        return list(pool.map(_run, items, chunksize=max(1, len(items) // (workers * 8))))
