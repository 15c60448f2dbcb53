"""Shared by the tests: figures a test measures (resource use, fuzz cases), printed after the run."""

REPORT: list = []


def pytest_terminal_summary(terminalreporter):
    if REPORT:
        terminalreporter.section("measured")
        for line in REPORT:
            terminalreporter.write_line(line)
