"""The second core: what a forked process returns comes back, what it raises is raised here, and a failure
here stops it."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from fugi.site.speed.share import ForkFailure, both, can_fork


REPO = Path(__file__).resolve().parents[1]


def test_both_runs_one_function_in_a_forked_process_and_returns_both_results():
    parent = os.getpid()
    mine, theirs = both(lambda: ("here", os.getpid()), lambda: ("there", os.getpid()))
    assert mine == ("here", parent)
    assert theirs[0] == "there" and theirs[1] != parent


def test_what_the_forked_process_raises_is_raised_here():
    def there():
        raise ValueError("子のエラー")

    with pytest.raises(ValueError, match="子のエラー"):
        both(lambda: None, there)


def test_a_forked_process_that_stops_is_a_failure():
    with pytest.raises(ForkFailure, match="止まりました"):
        both(lambda: None, lambda: os._exit(3))


def test_a_failure_here_stops_the_forked_process(tmp_path):
    mark = tmp_path / "finished"

    def there():
        time.sleep(3)
        mark.write_text("done")

    start = time.perf_counter()
    with pytest.raises(KeyError):
        both(lambda: {}["missing"], there)
    assert time.perf_counter() - start < 2
    time.sleep(0.2)
    assert not mark.exists()


def test_no_fork_on_one_core_or_beside_another_thread():
    import subprocess
    import sys
    import threading

    # a process of one thread may fork on two cores, not on one: asked of a fresh interpreter, since a thread an
    # earlier test's library left behind in this one (a watcher, a pool) rightly keeps can_fork() false here
    alone = subprocess.run([sys.executable, "-c", "from fugi.site.speed.share import can_fork; "
                            "print(can_fork(2), can_fork(1))"], capture_output=True, text=True, cwd=REPO)
    assert alone.stdout.split() == ["True", "False"], alone.stderr
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not can_fork(2)
    finally:
        stop.set()
        thread.join()
