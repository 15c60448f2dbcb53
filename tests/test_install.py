"""Installing fugi (`pip install .`, not editable): every package and the templates ship, and the installed `fugi`
builds a folder that holds only a copy of content/ — the same bytes as the checkout builds."""
import filecmp
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def listed_packages() -> set:
    return set(tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])


def test_every_package_of_fugi_is_listed_in_pyproject():
    found = {".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "fugi").rglob("__init__.py")}
    assert found | {"fugi.templates"} == listed_packages()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel pip builds of a copy of the checkout (setuptools writes build/ and *.egg-info into the folder it
    builds: not into the checkout, where other test workers build and read at the same time)."""
    out, source = tmp_path_factory.mktemp("wheel"), tmp_path_factory.mktemp("source") / "fugi"
    top = {".git", ".venv", "node_modules", "build", "site", ".pytest_cache"}  # the checkout's own, not packages

    def skipped(folder, names):
        return [n for n in names if (Path(folder) == REPO and n in top) or n == "__pycache__" or n.endswith(".egg-info")]

    shutil.copytree(REPO, source, ignore=skipped)
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--disable-pip-version-check", "-w",
                           str(out), str(source)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    [built] = out.glob("fugi-*.whl")
    return built


@pytest.mark.slow
@pytest.mark.xdist_group("wheel")  # one worker builds the wheel both read
def test_the_wheel_carries_the_code_the_templates_and_the_command(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    code = {p.relative_to(REPO).as_posix() for p in (REPO / "fugi").rglob("*.py") if "__pycache__" not in p.parts}
    templates = {"fugi/" + p.relative_to(REPO).as_posix() for p in (REPO / "templates").rglob("*") if p.is_file()
                 and "__pycache__" not in p.parts}
    assert code <= names and templates <= names and "fugi/word/fonts.conf" in names
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "fugi = fugi.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


@pytest.mark.slow
@pytest.mark.xdist_group("wheel")  # one worker builds the wheel both read
def test_installed_fugi_builds_a_folder_holding_only_content(wheel, tmp_path):
    """fugi installed into its own folder (the test's Python provides the dependencies), run in a folder with a copy of
    content/ and a templates/ beside it overriding one Word form and one page template: `fugi check` and
    `fugi --no-pdf` work, use the council's templates (the rest shipped), and the files equal the checkout's."""
    target = tmp_path / "installed"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--disable-pip-version-check",
                    "--target", str(target), str(wheel)], check=True, capture_output=True)
    council = tmp_path / "council"
    shutil.copytree(REPO / "content", council / "content")
    own = council / "templates"
    (own / "site").mkdir(parents=True)
    page = (REPO / "templates" / "site" / "meeting.md.j2").read_text(encoding="utf-8")
    (own / "site" / "meeting.md.j2").write_text(page + "\n区の会議のページ\n", encoding="utf-8")
    (own / "docx").mkdir()
    with zipfile.ZipFile(REPO / "templates" / "docx" / "会議概要.docx") as src, \
            zipfile.ZipFile(own / "docx" / "会議概要.docx", "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info, data.replace(b"{{ title }}", "{{ title }}（区の様式）".encode(), 1)
                         if info.filename == "word/document.xml" else data)
    env = {**os.environ, "PYTHONPATH": str(target), "FUGI_CACHE": "off"}
    fugi = [sys.executable, "-c", "import sys, fugi, fugi.cli; assert fugi.__file__.startswith(sys.argv[1]), fugi.__file__;"
            " sys.argv[1:2] = []; raise SystemExit(fugi.cli.main())", str(target)]
    checked = subprocess.run(fugi + ["check"], cwd=council, env=env, capture_output=True, text=True)
    assert checked.returncode == 0 and checked.stdout.startswith("OK:"), checked.stdout + checked.stderr
    built = subprocess.run(fugi + ["--no-pdf"], cwd=council, env=env, capture_output=True, text=True)
    assert built.returncode == 0, built.stdout + built.stderr
    here = tmp_path / "checkout"
    subprocess.run([sys.executable, str(REPO / "build.py"), "--no-pdf", "--content", str(council / "content"),
                    "--out", str(here)], cwd=tmp_path, env={**os.environ, "FUGI_CACHE": "off"}, check=True,
                   capture_output=True)
    meeting = zipfile.ZipFile(council / "build" / "docx" / "meetings" / "2025-05.docx").read("word/document.xml")
    agenda = zipfile.ZipFile(council / "build" / "docx" / "agendas" / "aircon-josei.docx").read("word/document.xml")
    assert "（区の様式）".encode() in meeting and "（区の様式）".encode() not in agenda
    assert "区の会議のページ" in (council / "site" / "meetings" / "2025-05" / "index.html").read_text(encoding="utf-8")
    assert "区の会議のページ" not in (council / "site" / "index.html").read_text(encoding="utf-8")
    for ours, theirs in ((council / "site", here / "site"), (council / "build" / "docx", here / "docx")):
        compared = filecmp.dircmp(ours, theirs)
        assert not _differences(compared), _differences(compared)


def _differences(compared) -> list:
    out = [*compared.left_only, *compared.right_only, *compared.diff_files]
    for sub in compared.subdirs.values():
        out += _differences(sub)
    return out
