"""Shared by the tests: figures a test measures (resource use, fuzz cases), printed after the run; one build cache.

The suite runs in worker processes (pytest-xdist, pyproject's addopts): each worker hands its figures to the main
process when it ends, which prints them all.

Every build a worker starts shares one cache folder (FUGI_CACHE) for the session: its entries are keyed by
content, so sharing changes no output, and LibreOffice converts each distinct Word file once per worker.  Each
worker has its own folder inside the session's: two builds of the same content at once in one cache folder can
replace the search index's files under each other.
tests/test_cache.py unsets it where the default place (build/cache) is what is tested."""
import os
import shutil
import tempfile

import pytest

REPORT: list = []

if "FUGI_CACHE" not in os.environ:
    _CACHE = tempfile.mkdtemp(prefix="fugi-test-cache-")
    os.environ["FUGI_CACHE"] = _CACHE
else:
    _CACHE = None
if os.environ.get("PYTEST_XDIST_WORKER"):  # inside the session's folder, removed with it
    os.environ["FUGI_CACHE"] = os.path.join(os.environ["FUGI_CACHE"], os.environ["PYTEST_XDIST_WORKER"])


def pytest_sessionfinish(session):
    if hasattr(session.config, "workeroutput"):  # a worker: its figures go to the main process
        session.config.workeroutput["fugi_report"] = list(REPORT)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    REPORT.extend(getattr(node, "workeroutput", {}).get("fugi_report", []))


def pytest_terminal_summary(terminalreporter):
    if REPORT:
        terminalreporter.section("measured")
        for line in sorted(REPORT):
            terminalreporter.write_line(line)


def pytest_unconfigure(config):
    if _CACHE:
        shutil.rmtree(_CACHE, ignore_errors=True)
