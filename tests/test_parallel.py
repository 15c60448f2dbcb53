"""MkDocs on both cores: a site whose pages were shared between two processes is byte for byte the site one
process builds, and a failure in the forked process fails the build."""
from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from fugi.site.speed import parallel

REPO = Path(__file__).resolve().parent.parent


def snapshot(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): hashlib.sha1(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def build_site(tmp_path: Path, name: str, monkeypatch) -> Path:
    from fugi import pipeline

    monkeypatch.setenv("FUGI_CACHE", str(tmp_path / f"cache-{name}"))
    pipeline.build(tmp_path / "content", site_out=tmp_path / name, site_pdf=False, report=lambda line: None)
    return tmp_path / name


def test_pages_shared_between_two_processes_give_the_same_site(tmp_path, monkeypatch):
    shutil.copytree(REPO / "content", tmp_path / "content")
    monkeypatch.setenv("FUGI_JOBS", "2")
    alone = snapshot(build_site(tmp_path, "alone", monkeypatch))
    shares = []
    real = parallel.Share

    class Share(real):
        def __init__(self, *args, **kwargs):
            shares.append(kwargs)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(parallel, "Share", Share)
    monkeypatch.setattr(parallel, "SPLIT_THRESHOLD", 2)
    shared = snapshot(build_site(tmp_path, "shared", monkeypatch))
    assert shares and shares[0]["skip"], "the pages were not shared"
    assert shared == alone


def test_a_failure_in_the_forked_process_fails_the_build(tmp_path, monkeypatch):
    docs, built = tmp_path / "docs", tmp_path / "base" / "site"
    built.mkdir(parents=True)
    for number in range(4):
        (docs / f"page-{number}.md").parent.mkdir(exist_ok=True)
        (docs / f"page-{number}.md").write_text("# page\n", encoding="utf-8")
    parent = os.getpid()

    def fake_mkdocs(config, dirty):
        if os.getpid() != parent:
            raise RuntimeError("MkDocs のビルドに失敗しました: 子")

    class Config(dict):
        plugins: dict = {}

    monkeypatch.setattr(parallel, "SPLIT_THRESHOLD", 2)
    with pytest.raises(RuntimeError, match="子"):
        parallel.run_split(Config(), docs, built, fake_mkdocs, lambda rel: [rel.replace(".md", "/index.html")], 2)


def test_item_pages_made_in_two_processes_give_the_same_site_and_memo(tmp_path, monkeypatch):
    """With many items, a forked process makes 3 in 5 of the items' pages: the site is the one a single process
    makes, and what it kept in the page memo stays there (the next build renders no page)."""
    from fugi.site import pages

    shutil.copytree(REPO / "content", tmp_path / "content")
    monkeypatch.setenv("FUGI_JOBS", "2")
    alone = snapshot(build_site(tmp_path, "alone", monkeypatch))
    forks = []
    real_both = pages.both

    def counted(here, there):
        forks.append(1)
        return real_both(here, there)

    monkeypatch.setattr(pages, "both", counted)
    monkeypatch.setattr(pages, "SPLIT_THRESHOLD", 2)
    shared = snapshot(build_site(tmp_path, "shared", monkeypatch))
    assert forks, "the item pages were not shared"
    assert shared == alone
    monkeypatch.setattr(pages, "SPLIT_THRESHOLD", 10 ** 9)  # all in this process: a page the memo lost is rendered
    rendered = []
    real_render = pages.Pages.render
    monkeypatch.setattr(pages.Pages, "render", lambda self, *a: rendered.append(a[0]) or real_render(self, *a))
    shutil.rmtree(tmp_path / "shared")
    assert snapshot(build_site(tmp_path, "shared", monkeypatch)) == alone
    assert rendered == [], "pages kept by the forked process were lost from the memo"
