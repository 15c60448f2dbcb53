"""bench/bench_review.py runs in CI on a small archive: the synthetic archive loads clean, the review of its
heaviest item is timed and printed, and the target holds."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_review_benchmark_runs_on_a_small_archive():
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_review.py"), "--items", "30"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "archive: 30 items" in result.stdout
    figure = re.search(r"review of (item-\d+): (\d+\.\d+) s for (\d+) deviations against (\d+) earlier items", result.stdout)
    assert figure and float(figure.group(2)) < 2.0 and int(figure.group(4)) > 0
    assert "target: review of one item under 2 s — met" in result.stdout
