"""Incremental builds: after edits, deletions and renames, a build that reuses the cache writes exactly the bytes
of a clean build, and a deleted item is gone from the pages, the search index and the open data."""
from __future__ import annotations

import gzip
import hashlib
import json
import re
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def run(workspace: Path, out: str, cache: str, *options: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, FUGI_CACHE=cache)
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "--out", out, *options], cwd=workspace, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def snapshot(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): hashlib.sha1(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def indexed_urls(site: Path) -> set:
    """The page of every fragment of the Pagefind index (each fragment is gzip + a signature + JSON)."""
    urls = set()
    for fragment in (site / "pagefind" / "fragment").iterdir():
        raw = gzip.decompress(fragment.read_bytes())
        urls.add(json.loads(raw[raw.index(b"{"):])["url"])
    return urls


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def workspace(tmp_path):
    shutil.copytree(REPO / "content", tmp_path / "content")
    return tmp_path


@pytest.mark.slow
def test_a_sequence_of_edits_deletions_and_renames_gives_the_bytes_of_a_clean_build(workspace):
    content, cache = workspace / "content", str(workspace / "cache")
    agendas = content / "agendas"
    steps = [
        lambda: edit(agendas / "aircon-josei.md", "件名: 低所得世帯", "件名: 改めた低所得世帯"),
        lambda: (agendas / "kaigo-hoken-hyojunka.md").unlink(),
        lambda: (agendas / "nyuji-tsuen-shien.md").rename(agendas / "nyuji-tsuen-shien-2026.md"),
        lambda: edit(content / "meetings" / "2025-05.md", "開催日: 2025-09-01", "開催日: 2025-09-02"),
        lambda: edit(agendas / "aircon-josei.md", "件名: 改めた低所得世帯", "件名: 低所得世帯"),
    ]
    # the sequence without PDFs (LibreOffice would convert every Word file again in each clean build); the PDFs
    # once at the end, the warm build's against a clean one's
    run(workspace, "warm", cache, "--no-pdf")
    for number, step in enumerate(steps):
        step()
        run(workspace, "warm", cache, "--no-pdf")
        run(workspace, f"clean-{number}", str(workspace / f"fresh-cache-{number}"), "--no-pdf")
        assert snapshot(workspace / "warm") == snapshot(workspace / f"clean-{number}"), f"after step {number}"
        shutil.rmtree(workspace / f"clean-{number}")
    run(workspace, "warm", cache)
    run(workspace, "clean", str(workspace / "fresh-cache"))
    assert snapshot(workspace / "warm") == snapshot(workspace / "clean"), "with the PDFs"
    assert shutil.which("soffice") is None or list((workspace / "warm" / "docx").rglob("*.pdf"))

    site = workspace / "warm" / "site"
    assert not (site / "agendas" / "kaigo-hoken-hyojunka").exists()
    assert not (site / "agendas" / "nyuji-tsuen-shien").exists()
    assert (site / "agendas" / "nyuji-tsuen-shien-2026" / "index.html").is_file()
    assert not list((site / "downloads").rglob("kaigo-hoken-hyojunka.*"))
    assert not list((workspace / "warm" / "docx").rglob("kaigo-hoken-hyojunka.*"))
    urls = indexed_urls(site)
    assert "/agendas/nyuji-tsuen-shien-2026/" in urls
    assert not [u for u in urls if "kaigo-hoken-hyojunka" in u or u.rstrip("/").endswith("nyuji-tsuen-shien")]
    data = (site / "data" / "decisions.json").read_text(encoding="utf-8")
    assert "kaigo-hoken-hyojunka" not in data and "地方公共団体情報システム標準化" not in data
    listing = (site / "agendas" / "index.html").read_text(encoding="utf-8")
    assert "kaigo-hoken-hyojunka" not in listing and "nyuji-tsuen-shien-2026" in listing


@pytest.mark.slow
def test_an_unchanged_build_takes_everything_from_the_cache(workspace):
    cache = workspace / "cache"
    run(workspace, "one", str(cache))
    # outputs/: what each output folder holds (fugi.build.reuse.Reuse), one record per folder; "two" is another folder
    kept = lambda p: p.is_file() and "site" not in p.parts and "outputs" not in p.parts  # noqa: E731
    entries = {p: p.stat().st_mtime_ns for p in cache.rglob("*") if kept(p)}
    run(workspace, "two", str(cache))
    assert snapshot(workspace / "one") == snapshot(workspace / "two")
    again = {p: p.stat().st_mtime_ns for p in cache.rglob("*") if kept(p)}
    assert set(again) == set(entries)  # no entry added: no Word file rendered, no PDF converted


@pytest.mark.slow
def test_the_sites_word_files_are_the_same_rendered_alone_or_taken_from_the_clerks_copies(workspace):
    """The default build reuses a clerk's Word file for the site when the document prints the same in the public
    view; `build.py site` alone renders every public Word file itself.  Both give the same downloads."""
    edit(workspace / "content" / "agendas" / "aircon-josei.md", "公開: true", "公開: false")
    run(workspace, "both", str(workspace / "cache-both"))
    env = dict(os.environ, FUGI_CACHE=str(workspace / "cache-site"))
    subprocess.run([sys.executable, str(REPO / "build.py"), "site", "--out", "alone"], cwd=workspace, env=env,
                   check=True, capture_output=True)
    assert snapshot(workspace / "both" / "site" / "downloads") == snapshot(workspace / "alone" / "downloads")


@pytest.mark.slow
def test_a_page_whose_inputs_did_not_change_is_not_rendered_again(tmp_path, monkeypatch):
    """The page memo: a second build renders nothing; an edited item renders its own page and the pages that
    list it, not the other items' pages."""
    from fugi import pipeline
    from fugi.site.pages import Pages

    shutil.copytree(REPO / "content", tmp_path / "content")
    monkeypatch.setenv("FUGI_CACHE", str(tmp_path / "cache"))
    rendered = []
    real = Pages.render
    monkeypatch.setattr(Pages, "render", lambda self, rel, template, context: rendered.append(rel)
                        or real(self, rel, template, context))

    def build() -> list:
        rendered.clear()
        pipeline.build(tmp_path / "content", site_out=tmp_path / "site", site_pdf=False, report=lambda line: None)
        return sorted(rendered)

    assert "agendas/aircon-josei.md" in build()
    assert build() == []
    edit(tmp_path / "content" / "agendas" / "aircon-josei.md", "件名: 低所得世帯", "件名: 改めた低所得世帯")
    again = build()
    assert "agendas/aircon-josei.md" in again and "agendas/index.md" in again
    assert "agendas/nyuji-tsuen-shien.md" not in again and "agendas/kaigo-hoken-hyojunka.md" not in again


def test_a_template_edit_reaches_every_page_kept_in_the_same_folder(tmp_path, monkeypatch):
    """The preview builds in one folder (build/preview) however the templates change: an edited template renders
    every page again (no page is taken from the memo of the old template), and a broken one is an error."""
    from fugi.pipeline import load_archive, rendering
    from fugi.problems import ContentError
    from fugi import resources
    from fugi.site.speed.incremental import build_pages

    templates = tmp_path / "templates"
    shutil.copytree(resources.SITE_TEMPLATES, templates)
    monkeypatch.setattr(resources, "SITE_TEMPLATES", templates)
    archive, _ = load_archive(REPO / "content")
    base = tmp_path / "preview"
    page = base / "site" / "agendas" / "aircon-josei" / "index.html"
    build_pages(archive, None, REPO / "content", base, scope="preview")
    assert "TEMPLATE-MARK" not in page.read_text(encoding="utf-8")
    agenda = templates / "agenda.md.j2"
    source = agenda.read_text(encoding="utf-8")
    agenda.write_text(source.replace("{{ item.status }}", "{{ item.status }} TEMPLATE-MARK", 1), encoding="utf-8")
    assert source != agenda.read_text(encoding="utf-8")
    build_pages(archive, None, REPO / "content", base, scope="preview")
    assert "TEMPLATE-MARK" in page.read_text(encoding="utf-8")
    agenda.write_text(source.replace("{{ item.status }}", "{{ item.status ", 1), encoding="utf-8")
    with pytest.raises(ContentError) as raised, rendering(lambda line: None):
        build_pages(archive, None, REPO / "content", base, scope="preview")
    assert [p.path for p in raised.value.problems] == ["templates/site/agenda.md.j2"]


def test_a_broken_theme_override_is_reported_at_its_file_and_line(tmp_path):
    """templates/site/overrides/main.html with a bad tag: the problem names that file and line, not mkdocs.yml."""
    from fugi.pipeline import load_archive, rendering
    from fugi.problems import ContentError
    from fugi.site.speed.incremental import build_pages

    overrides = tmp_path / "overrides"
    shutil.copytree(REPO / "templates" / "site" / "overrides", overrides)
    main = overrides / "main.html"
    lines = main.read_text(encoding="utf-8").splitlines()
    main.write_text("\n".join(lines + ["{% if %}"]) + "\n", encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    config.write_text((REPO / "templates" / "site" / "mkdocs.yml").read_text(encoding="utf-8")
                      .replace("custom_dir: overrides", f"custom_dir: {overrides}"), encoding="utf-8")
    archive, _ = load_archive(REPO / "content")
    with pytest.raises(ContentError) as raised, rendering(lambda line: None):
        build_pages(archive, None, REPO / "content", tmp_path / "base", config_file=config)
    [problem] = raised.value.problems
    assert (problem.path, problem.line) == ("templates/site/overrides/main.html", len(lines) + 1)


@pytest.mark.slow
def test_a_meeting_moved_to_another_year_gives_the_meetings_pages_of_a_clean_build(tmp_path, monkeypatch):
    """/meetings/ is cut into pages of whole years (issue 31) and every meeting page links its year's page: a meeting
    moved to another fiscal year moves years between pages; the build that reuses its cache writes the bytes of a
    clean build (the list's pages, the meetings' year links, the search index)."""
    from fugi import pipeline
    from fugi.site import context

    sys.path.insert(0, str(REPO / "bench"))
    from bench_site import synthetic_content

    monkeypatch.setattr(context, "PAGE_ROWS", 6)  # 6 meetings, one a year: two years a page
    content = synthetic_content(tmp_path / "content", 60)

    def build(out: str, cache: str) -> Path:
        monkeypatch.setenv("FUGI_CACHE", str(tmp_path / cache))
        pipeline.build(content, site_out=tmp_path / out, site_pdf=False, report=lambda line: None)
        return tmp_path / out

    warm = build("warm", "cache")
    before = (warm / "meetings" / "page.3" / "index.html").read_text(encoding="utf-8")
    (moved,) = [p for p in (content / "meetings").glob("*.md") if "開催日: 2019-" in p.read_text(encoding="utf-8")]
    text = moved.read_text(encoding="utf-8")
    date = text[text.index("開催日: 2019-"):][:len("開催日: 2019-05-11")]
    edit(moved, date, "開催日: 2024-11-11")
    edit(moved, "回: 1\n", "回: 9\n")  # 第1回 of 令和6年度 is another meeting
    build("warm", "cache")
    clean = build("clean", "fresh-cache")
    assert snapshot(warm) == snapshot(clean)
    assert (warm / "meetings" / "page.3" / "index.html").read_text(encoding="utf-8") != before
    link = re.search(r'年度:</strong> <a href="([^"]+)"',
                     (warm / "meetings" / moved.stem / "index.html").read_text(encoding="utf-8")).group(1)
    assert link in ("../#fy2024", "../page.2/#fy2024")
