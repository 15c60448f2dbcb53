"""Fuzzing the whole command line with mutated seed content: no traceback, every problem as `path:line: field:
message` in Japanese, exit 1 on any error, and nothing written when a build fails."""
from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
from collections import Counter
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPORT
from fugi.cli import main
from fugi.build.outputs import MARKER

REPO = Path(__file__).parent.parent
CONTENT = REPO / "content"
SEEDS = sorted(p.relative_to(CONTENT).as_posix() for p in CONTENT.rglob("*") if p.suffix in (".md", ".yml")
               and p.name != "README.md")
#: mutated cases: FUGI_FUZZ_CASES of them in the quick tier (default 100), 600 in the slow tier
QUICK_CASES, SLOW_CASES = int(os.environ.get("FUGI_FUZZ_CASES", "100")), 600
#: What YAML treats specially, and what clerks paste by mistake.
SPECIAL = [":", ": ", "#", " #", "&", "*", "!", "|", ">", "'", '"', "[", "]", "{", "}", ",", "%", "@", "`", "-", "- ",
           "?", "\\", "\t", "\u3000", "：", "\ufeff", "\x00", "\x07", "\x1b", "\x85", "\u2028", "---", "...", "\n"]
PROBLEM = re.compile(r"^((?:\S*/)?content/\S+?\.(?:md|yml)):(\d+): (.+?): (.+)$")  # the path as given (--content is absolute here)
ENGLISH = re.compile(r"\b(expected|found|while|scanning|parsing|could not|cannot|token|scalar|mapping|sequence|"
                     r"Traceback|Error|line \d+|column)\b")

mutation = st.tuples(st.sampled_from(["delete", "duplicate", "indent", "insert", "insert", "swap"]),
                     st.integers(0, 10**6), st.integers(0, 10**6), st.sampled_from(SPECIAL), st.integers(-3, 3))
case = st.tuples(st.sampled_from(SEEDS), st.lists(mutation, min_size=1, max_size=4), st.booleans())


def mutate(text: str, mutations) -> str:
    lines = text.split("\n")
    for kind, at, column, special, shift in mutations:
        i = at % len(lines)
        if kind == "delete" and len(lines) > 1:
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "indent":
            body = lines[i].lstrip(" ")
            lines[i] = " " * max(0, len(lines[i]) - len(body) + shift) + body
        elif kind == "insert":
            j = column % (len(lines[i]) + 1)
            lines[i] = lines[i][:j] + special + lines[i][j:]
        elif kind == "swap":
            j = column % len(lines)
            lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines)


def cli(*args):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def snapshot(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None) for p in folder.rglob("*")}


def check_output(code: int, out: str, err: str, content: Path):
    """Every problem line is path:line: field: message, at a line of its file, in Japanese; exit 1 iff errors."""
    errors = 0
    for line in out.splitlines():
        if line.startswith("OK: "):
            continue
        match = PROBLEM.match(line)
        assert match, line
        path, number, message = match.group(1), int(match.group(2)), match.group(4)
        assert 1 <= number <= (content.parent / path).read_bytes().count(b"\n") + 1, line
        assert not ENGLISH.search(line), line
        if match.group(3) == "YAML":
            assert len(line) < 500, line
        errors += not message.startswith("[警告]")
    assert code == (1 if errors else 0), (code, out, err)
    assert ("何も書き出していません" in err) == bool(errors), err


@pytest.mark.parametrize("cases", [QUICK_CASES, pytest.param(SLOW_CASES, marks=pytest.mark.slow)], ids=["quick", "slow"])
def test_mutated_seed_content_fails_cleanly(cases):
    stats = Counter()

    @settings(derandomize=True, max_examples=cases, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case)
    def run(example):
        seed, mutations, try_docx = example
        with tempfile.TemporaryDirectory() as tmp:
            content = Path(tmp) / "content"
            shutil.copytree(CONTENT, content)
            target = content / seed
            target.write_bytes(mutate(target.read_text(encoding="utf-8"), mutations).encode("utf-8", "surrogatepass"))
            code, out, err = cli("check", "--content", str(content))
            check_output(code, out, err, content)
            stats["cases"] += 1
            stats["failed" if code else "passed"] += 1
            stats["warned"] += ": YAML: [警告]" in out
            if code and try_docx:
                out_dir = Path(tmp) / "docx"
                out_dir.mkdir()
                (out_dir / "前回の付議事項.docx").write_bytes(b"PK\x03\x04 previous build")
                (out_dir / "memo.txt").write_text("前回のメモ", encoding="utf-8")
                (out_dir / MARKER).write_text("", encoding="utf-8")  # an older fugi's output folder: marked last
                before, around = snapshot(out_dir), sorted(p.name for p in Path(tmp).iterdir())
                code, out, err = cli("docx", "--content", str(content), "--out", str(out_dir))
                check_output(code, out, err, content)
                assert code == 1 and snapshot(out_dir) == before
                assert sorted(p.name for p in Path(tmp).iterdir()) == around  # no staging folder left
                stats["docx"] += 1

    run()
    REPORT.append(f"fuzz: {stats['cases']} mutated cases — {stats['failed']} with errors (exit 1), "
                  f"{stats['passed']} clean (exit 0, {stats['warned']} with a YAML comment warning); "
                  f"{stats['docx']} failing builds through `docx --out` left the output untouched")
    assert stats["cases"] >= cases and stats["failed"] >= cases // 4 and stats["passed"] >= cases // 10
    assert stats["docx"] >= cases // 10
