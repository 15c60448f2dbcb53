"""build.py outside the virtualenv: a Japanese message naming what is missing and the README's setup command."""
import importlib.util
import os
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).parent.parent
_spec = importlib.util.spec_from_file_location("build", REPO / "build.py")
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)
SETUP = "python3 -m venv .venv && .venv/bin/pip install -q -e . && .venv/bin/python build.py"


def run_bare(tmp_path, *flags, env=None):
    """build.py under this Python without its site-packages (-S): what a clerk's system Python looks like."""
    return subprocess.run([sys.executable, *flags, str(REPO / "build.py"), "check"], cwd=tmp_path,
                          capture_output=True, text=True, env=env, timeout=60)


def test_no_packages_at_all(tmp_path):
    result = run_bare(tmp_path, "-I", "-S")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "この Python には fugi に必要なものが入っていません: jinja2, pyyaml, markdown-it-py, python-docx, docxtpl, lxml, "
        "mkdocs, mkdocs-material, pagefind, cbor2, watchfiles, feedgen, icalendar, pykakasi, pdfplumber, pypdf, reportlab, "
        "pillow",
        "README の「使い方」のとおり、このフォルダで次を実行して準備し、以後は .venv/bin/python で動かしてください:",
        f"  {SETUP}",
    ]


def test_only_the_missing_packages_are_named(tmp_path):
    """A system Python that has PyYAML and Jinja2 (Debian's python3-yaml, python3-jinja2) but nothing else."""
    for module in ("yaml", "jinja2"):
        (tmp_path / module).mkdir()
        (tmp_path / module / "__init__.py").write_text("", encoding="utf-8")
    result = run_bare(tmp_path, "-S", env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0] == ("この Python には fugi に必要なものが入っていません: markdown-it-py, python-docx, "
                                             "docxtpl, lxml, mkdocs, mkdocs-material, pagefind, cbor2, watchfiles, feedgen, icalendar, "
                                             "pykakasi, pdfplumber, pypdf, reportlab, pillow")


def test_the_setup_command_is_the_readme_s():
    assert SETUP in (REPO / "README.md").read_text(encoding="utf-8")


def test_every_dependency_of_pyproject_is_checked():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {dep.split("[")[0].split(">")[0].split("<")[0].split("=")[0].strip().lower() for dep in project["dependencies"]}
    assert names == set(build.NEEDED.values())


def test_in_the_virtualenv_nothing_is_missing():
    assert build.missing() == []
