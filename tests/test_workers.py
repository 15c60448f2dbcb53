"""The test suite's own workers (pytest-xdist): tests marked with one `xdist_group` run on one worker, which the
tests sharing the 1,000-item archive and the recorded axe results rely on (pytest 9.2 broke it silently)."""
from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter

GROUPED = '''
import os
import pytest


@pytest.mark.xdist_group("one")
@pytest.mark.parametrize("number", range(8))
def test_grouped(number):
    with open(os.environ["WORKERS_LOG"], "a", encoding="utf-8") as log:
        log.write(os.environ.get("PYTEST_XDIST_WORKER", "main") + "\\n")


@pytest.mark.parametrize("number", range(8))
def test_free(number):
    pass
'''


def test_the_tests_of_one_group_run_on_one_worker(tmp_path):
    (tmp_path / "test_grouped.py").write_text(GROUPED, encoding="utf-8")
    log = tmp_path / "workers.log"
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "2", "--dist",
                           "loadgroup", "-c", "/dev/null", "--rootdir", str(tmp_path), str(tmp_path)],
                          capture_output=True, text=True, env={**os.environ, "WORKERS_LOG": str(log)},
                          cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    workers = Counter(log.read_text(encoding="utf-8").split())
    assert sum(workers.values()) == 8 and len(workers) == 1, workers
