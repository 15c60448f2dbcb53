"""fugi.build.jobs: forked workers get their work as an argument (inherited by fork, never pickled), not through a
module's state."""
from __future__ import annotations

import os

from fugi.build import jobs


def test_fork_map_runs_a_closure_in_workers_without_pickling_what_it_holds():
    held = {"add": lambda x: x + 1}  # a lambda cannot be pickled: it reaches the workers only by fork
    parent = os.getpid()

    def work(item):
        return held["add"](item), os.getpid() != parent

    done = jobs.fork_map(work, list(range(40)), 2)
    assert [value for value, _ in done] == list(range(1, 41))
    assert all(in_worker for _, in_worker in done)
    assert jobs._work is None  # the build's own process holds nothing between stages


def test_jobs_follows_fugi_jobs(monkeypatch):
    monkeypatch.setenv("FUGI_JOBS", "3")
    assert jobs.jobs() == 3
    monkeypatch.setenv("FUGI_JOBS", "zero")
    assert jobs.jobs() >= 1
