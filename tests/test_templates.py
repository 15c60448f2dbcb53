"""A council's own templates/ beside its content/ (fugi.resources.Templates, fugi.validate.templates): each file there
overrides the shipped one of the same name (Word forms, site pages, theme files), everything else comes from the
shipped set; an override is part of every cache key it changes; a broken or unsafe one is a problem at its file."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from fugi import pipeline
from fugi.problems import ContentError
from fugi.resources import TEMPLATES, Templates
from fugi.validate.templates import TAG_HINT, WORD_HINT

REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "templates"
AGENDA_DOCX = "付議事項.docx"
MEETING_DOCX = "会議概要.docx"
#: the line of templates/site/agenda.md.j2 the tests mark (its facts list follows it)
FACTS = '<div class="fugi-facts" markdown>'


def edited_docx(source: Path, target: Path, old: str, new: str) -> None:
    """A copy of a Word template with `old` replaced by `new` in its body (as Word would save an edit)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(source) as src:
        parts = [(info, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(target, "w") as dst:
        for info, data in parts:
            if info.filename == "word/document.xml":
                assert old.encode() in data, old
                data = data.replace(old.encode(), new.encode(), 1)
            dst.writestr(info, data)


def site_override(council: Path, rel: str, old: str, new: str) -> Path:
    """templates/site/<rel> of the council: the shipped file with `old` replaced by `new`."""
    target = council / "templates" / "site" / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    text = (SHIPPED / "site" / rel).read_text(encoding="utf-8")
    assert old in text, old
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


@pytest.fixture
def council(tmp_path) -> Path:
    """A council's folder: a copy of content/ and a templates/ beside it that overrides the agenda's Word template
    (its title), the agenda page's template (a line before the facts) and a theme partial (the footer)."""
    folder = tmp_path / "council"
    shutil.copytree(REPO / "content", folder / "content")
    edited_docx(SHIPPED / "docx" / AGENDA_DOCX, folder / "templates" / "docx" / AGENDA_DOCX,
                "{{ title }}", "{{ title }}（区の様式A）")
    site_override(folder, "agenda.md.j2", FACTS, f"区の見出しA\n\n{FACTS}")
    site_override(folder, "overrides/partials/copyright.html", "", "<p>区の足元A</p>\n")
    return folder


def build(content: Path, out: Path, report=None):
    return pipeline.build(content, docx_out=out / "docx", site_out=out / "site", site_pdf=False,
                          report=report or (lambda line: None))


def body(docx: Path) -> str:
    with zipfile.ZipFile(docx) as package:
        return package.read("word/document.xml").decode("utf-8")


def files(folder: Path) -> dict:
    """An output's files (not its marker, which lists their hashes)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != ".fugi-output"}


def test_the_checkout_builds_with_its_own_templates_as_the_shipped_set(tmp_path):
    """The checkout's content/ has the shipped templates/ beside it: nothing is overridden; a folder without a
    templates/ has no overrides either; a council's folder has its own, watched by the preview."""
    assert TEMPLATES.resolve() == SHIPPED.resolve()
    assert Templates.of(REPO / "content").own is None
    (tmp_path / "content").mkdir()
    assert Templates.of(tmp_path / "content").own is None
    (tmp_path / "templates" / "docx").mkdir(parents=True)
    mine = Templates.of(tmp_path / "content")
    assert mine.own == tmp_path / "templates" and mine.own in mine.watched()
    assert mine.docx(AGENDA_DOCX) == SHIPPED / "docx" / AGENDA_DOCX  # not overridden: the shipped one
    (tmp_path / "templates" / "docx" / AGENDA_DOCX).write_bytes((SHIPPED / "docx" / AGENDA_DOCX).read_bytes())
    assert mine.docx(AGENDA_DOCX) == tmp_path / "templates" / "docx" / AGENDA_DOCX


def test_a_councils_templates_override_the_shipped_ones_and_the_rest_is_unchanged(council, tmp_path):
    plain, own = tmp_path / "plain", tmp_path / "own"
    build(REPO / "content", plain)
    build(council / "content", own)
    # Word: the agenda's form is the council's, the meeting's the shipped one (the same bytes as without templates/)
    for name in ("aircon-josei", "kaigo-hoken-hyojunka"):
        assert "（区の様式A）" in body(own / "docx" / "agendas" / f"{name}.docx")
        assert "（区の様式A）" in body(own / "site" / "downloads" / "agendas" / f"{name}.docx")
        assert "（区の様式A）" not in body(plain / "docx" / "agendas" / f"{name}.docx")
    theirs, mine = files(plain / "docx"), files(own / "docx")
    assert theirs.keys() == mine.keys()
    assert {rel for rel in mine if mine[rel] != theirs[rel]} == {rel for rel in mine if rel.startswith("agendas/")}
    # the site: the agenda pages are made from the council's page template, every page has its footer
    theirs, mine = files(plain / "site"), files(own / "site")
    searched = ("pagefind/",)  # the search index's files are named after the pages' contents
    assert {rel for rel in theirs if not rel.startswith(searched)} == {rel for rel in mine if not rel.startswith(searched)}
    for rel in mine:
        if rel.startswith(searched):
            continue
        if not rel.endswith(".html"):
            if not rel.startswith("downloads/agendas/"):
                assert mine[rel] == theirs[rel], rel
            continue
        page = mine[rel].decode("utf-8")
        assert "<p>区の足元A</p>" in page, rel
        if rel.startswith("agendas/") and rel.count("/") == 2:  # agendas/<id>/index.html
            assert "区の見出しA" in page, rel
        else:
            assert "区の見出しA" not in page, rel
            assert re.sub("<p>区の足元A</p>\n?", "", page) == theirs[rel].decode("utf-8"), rel


def test_an_edited_override_changes_the_cache_keys_and_the_warm_build(council, tmp_path):
    """The build cache is warm (the same content built with the first version of the overrides): after the council
    edits its templates, the next build gives the new Word files and pages, never those of the old templates."""
    from fugi.build.keys import Keys
    from fugi.site.speed.incremental import site_key

    out = tmp_path / "out"
    build(council / "content", out)
    archive, _ = pipeline.load_archive(council / "content")
    before = Keys(archive, council / "content"), site_key(archive, templates=Templates.of(council / "content"))
    edited_docx(SHIPPED / "docx" / AGENDA_DOCX, council / "templates" / "docx" / AGENDA_DOCX,
                "{{ title }}", "{{ title }}（区の様式B）")
    site_override(council, "agenda.md.j2", FACTS, f"区の見出しB\n\n{FACTS}")
    site_override(council, "overrides/partials/copyright.html", "", "<p>区の足元B</p>\n")
    after = Keys(archive, council / "content"), site_key(archive, templates=Templates.of(council / "content"))
    assert before[0].agenda("aircon-josei") != after[0].agenda("aircon-josei")
    assert before[0].meeting("2025-05") != after[0].meeting("2025-05")  # a key covers more than it reads, never less
    assert before[1] != after[1]
    build(council / "content", out)
    assert "（区の様式B）" in body(out / "docx" / "agendas" / "aircon-josei.docx")
    assert "（区の様式A）" not in body(out / "docx" / "agendas" / "aircon-josei.docx")
    page = (out / "site" / "agendas" / "aircon-josei" / "index.html").read_text(encoding="utf-8")
    assert "区の見出しB" in page and "区の足元B" in page and "区の見出しA" not in page and "区の足元A" not in page


def problems_of(council: Path, capsys=None) -> list[str]:
    """What `check` prints for the council (it fails)."""
    printed = []
    with pytest.raises(ContentError):
        pipeline.check(council / "content", report=printed.append)
    return printed


def test_a_broken_page_template_is_a_problem_at_its_line_and_nothing_is_written(council, tmp_path, monkeypatch):
    monkeypatch.chdir(council)
    template = site_override(council, "agenda.md.j2", "{{ item.title | title_yaml }}", "{{ item.title | title_yaml }")
    line = next(n for n, text in enumerate(template.read_text(encoding="utf-8").splitlines(), 1)
                if "title_yaml }" in text and "title_yaml }}" not in text)
    expected = (f"templates/site/agenda.md.j2:{line}: テンプレート: サイトのテンプレートを処理できません: unexpected '}}' — "
                "テンプレートのタグ（{{ }} や {% %}）を確かめてください。同梱の同じ名前のテンプレートと見比べるか、"
                "git で前の版を取り出すと直せます")
    assert problems_of(council) == [expected]
    printed = []
    with pytest.raises(ContentError):
        build(Path("content"), council / "out", printed.append)
    assert expected in printed and not (council / "out").exists()


def test_a_broken_theme_override_is_a_problem_at_its_line(council, monkeypatch):
    monkeypatch.chdir(council)
    partial = council / "templates" / "site" / "overrides" / "partials" / "copyright.html"
    partial.write_text("<p>足元</p>\n{% if %}\n", encoding="utf-8")
    [problem] = problems_of(council)
    assert problem.startswith("templates/site/overrides/partials/copyright.html:2: テンプレート: "
                              "サイトのテンプレートを処理できません: "), problem


def test_a_word_override_that_is_not_a_word_file_is_a_problem(council, monkeypatch):
    monkeypatch.chdir(council)
    (council / "templates" / "docx" / MEETING_DOCX).write_text("会議概要の様式（テキスト）", encoding="utf-8")
    assert problems_of(council) == [
        "templates/docx/会議概要.docx:1: テンプレート: Word のテンプレートとして読めません: File is not a zip file — "
        "テンプレートを Word で開き、タグ（{{ }} や {%p %}）とスタイル名を確かめてください。同梱の同じ名前のテンプレート"
        "（fugi の templates/docx/）と見比べるか、git で前の版を取り出すと直せます"]


def test_a_word_override_missing_a_tag_of_the_shipped_one_is_a_problem(council, monkeypatch):
    """The 資料N-1 title's tag deleted in Word: every item's flow page would print no title; refused, with the tag."""
    monkeypatch.chdir(council)
    edited_docx(SHIPPED / "docx" / AGENDA_DOCX, council / "templates" / "docx" / AGENDA_DOCX, "{{ flow.title }}", "")
    assert problems_of(council) == [
        "templates/docx/付議事項.docx:1: テンプレート: 同梱のテンプレートにあるタグがありません（そのままでは文書の一部が"
        "印字されません）: {{ flow.title }} — Word で開き、同梱のテンプレート（fugi の templates/docx/付議事項.docx）と"
        "同じ位置にタグを書き戻してください"]


def test_a_symlink_out_of_templates_is_refused(council, tmp_path, monkeypatch):
    """A link to a file outside templates/ (whatever it points at would be built and published): refused at its name;
    a link to a file inside templates/ is fine."""
    monkeypatch.chdir(council)
    outside = tmp_path / "elsewhere.md.j2"
    outside.write_text("# 外のファイル\n", encoding="utf-8")
    os.symlink(outside, council / "templates" / "site" / "home.md.j2")
    os.symlink("agenda.md.j2", council / "templates" / "site" / "meeting-copy.md.j2")
    assert problems_of(council) == [
        "templates/site/home.md.j2:1: ファイル: templates/ の外のファイルを指しています（シンボリックリンク） — "
        "ファイルそのものを templates/ の中に置いてください（リンク先は読みません）"]


def test_check_says_again_after_an_override_breaks(council, monkeypatch):
    """check keeps its outcome in the cache: an override edited after a good check is checked again."""
    monkeypatch.chdir(council)
    assert pipeline.check(council / "content", report=lambda line: None).startswith("OK:")
    (council / "templates" / "docx" / MEETING_DOCX).write_text("壊れた様式", encoding="utf-8")
    assert problems_of(council)[0].startswith("templates/docx/会議概要.docx:1: テンプレート: ")


def test_the_command_in_a_council_folder_uses_its_templates(council):
    """`python build.py docx` (the `fugi` command) run in a folder holding content/ and templates/."""
    done = subprocess.run([sys.executable, str(REPO / "build.py"), "docx"], cwd=council, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "（区の様式A）" in body(council / "build" / "docx" / "agendas" / "aircon-josei.docx")
    assert "（区の様式A）" not in body(council / "build" / "docx" / "meetings" / "2025-05.docx")


@pytest.mark.slow  # several full builds
def test_the_preview_watches_the_councils_templates_and_shows_an_edit(council, monkeypatch):
    """`serve` watches templates/ beside content/; a saved override is the next rebuild's page, a broken one is
    shown like a content error over the last good pages."""
    from fugi.preview.serve import Preview

    monkeypatch.chdir(council)
    lines = []
    preview = Preview(council / "content", lines.append)
    assert council / "templates" in preview.templates.watched()
    preview.prepare()
    try:
        assert preview.rebuild(), lines
        page = preview.site / "agendas" / "aircon-josei" / "index.html"
        assert "区の見出しA" in page.read_text(encoding="utf-8")
        site_override(council, "agenda.md.j2", FACTS, f"区の見出しB\n\n{FACTS}")
        assert preview.rebuild(), lines
        page = preview.site / "agendas" / "aircon-josei" / "index.html"
        assert "区の見出しB" in page.read_text(encoding="utf-8")
        site_override(council, "agenda.md.j2", "{{ item.title | title_yaml }}", "{{ item.title | title_yaml }")
        assert not preview.rebuild()
        assert preview.errors and preview.errors[0].startswith("templates/site/agenda.md.j2:"), preview.errors
        assert "区の見出しB" in page.read_text(encoding="utf-8")  # the last good pages stay
    finally:
        preview.settle()


def test_a_theme_override_failing_while_it_runs_is_a_problem_at_its_file_and_line(council, monkeypatch):
    """A tag that parses but fails in MkDocs' run ('nothing' is undefined): at the council's file and line, not mkdocs.yml."""
    monkeypatch.chdir(council)
    partial = council / "templates" / "site" / "overrides" / "partials" / "copyright.html"
    partial.write_text("<p>足元</p>\n{{ nothing.at.all }}\n", encoding="utf-8")
    printed = []
    with pytest.raises(ContentError):
        build(Path("content"), council / "out", printed.append)
    assert [line for line in printed if ": テンプレート: " in line] == [
        "templates/site/overrides/partials/copyright.html:2: テンプレート: サイトのテンプレートを処理できません: "
        "'nothing' is undefined — テンプレートのタグ（{{ }} や {% %}）を確かめてください。元に戻すには git で前の版を取り出してください"]
    assert not (council / "out").exists()


def test_a_pipe_in_templates_is_refused_without_hanging(council, monkeypatch):
    """A named pipe under a template's name is never opened (reading it would hang the build)."""
    monkeypatch.chdir(council)
    os.mkfifo(council / "templates" / "site" / "home.md.j2")
    assert problems_of(council) == [
        "templates/site/home.md.j2:1: ファイル: ふつうのファイルではありません（名前付きパイプや装置など） — "
        "テンプレートはふつうのファイルとして保存してください"]


def test_a_folder_linked_out_of_templates_after_a_good_check_is_seen_and_its_removal_too(council, monkeypatch):
    """A trial found `check` said OK for a folder linked out of templates/ made after a good check (its cache key did
    not name linked folders), then said the old problem again after the link was removed."""
    monkeypatch.chdir(council)
    assert pipeline.check(council / "content", report=lambda line: None).startswith("OK:")
    link = council / "templates" / "site" / "overrides" / "etc"
    os.symlink("/etc", link)
    assert problems_of(council) == [
        "templates/site/overrides/etc:1: ファイル: templates/ の外のファイルを指しています（シンボリックリンク） — "
        "ファイルそのものを templates/ の中に置いてください（リンク先は読みません）"]
    link.unlink()
    assert pipeline.check(council / "content", report=lambda line: None).startswith("OK:")


def test_a_note_or_a_backup_in_the_theme_folder_is_refused_not_published(council, monkeypatch):
    """MkDocs copies every file of the theme folder that is not a template into the public site: a trial's memo.txt
    and partials/copyright.html.bak were published.  Only images, styles, scripts and fonts under assets/ may be
    there (and hidden files, which are not copied)."""
    monkeypatch.chdir(council)
    overrides = council / "templates" / "site" / "overrides"
    (overrides / "memo.txt").write_text("内部のメモ\n", encoding="utf-8")
    (overrides / "partials" / "copyright.html.bak").write_text("<p>前の足元</p>\n", encoding="utf-8")
    (overrides / "assets" / "images").mkdir(parents=True)
    (overrides / "assets" / "images" / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>\n")
    (overrides / ".notes").write_text("隠しファイル\n", encoding="utf-8")
    how = ("テーマのフォルダのこのファイルは、できあがるサイト（site/）にそのまま載ります（テーマの部品でも、assets/ の下の画像・CSS・"
           "JavaScript・フォントでもありません） — サイトに載せないファイル（メモや控え）は templates/ の外へ移してください。"
           "載せる画像・CSS・JavaScript なら templates/site/overrides/assets/ の下に置いてください")
    assert problems_of(council) == [f"templates/site/overrides/memo.txt:1: ファイル: {how}",
                                    f"templates/site/overrides/partials/copyright.html.bak:1: ファイル: {how}"]
    assert not (council / "site").exists()


def test_an_unknown_filter_or_a_missing_include_is_said_by_check_as_the_build_would_fail(council, monkeypatch):
    """A trial found `check` said OK for a theme part and a page template the build then refused: an unknown filter,
    an include of a template that does not exist.  check compiles each in the environment it runs in (MkDocs' for the
    theme, the pages' own for the pages) and looks up what it includes."""
    monkeypatch.chdir(council)
    site_override(council, "overrides/partials/copyright.html", "", "{{ config.site_name | nosuchfilter }}\n")
    site_override(council, "meetings.md.j2", "", '{% include "_nosuch.md.j2" %}\n')
    assert problems_of(council) == [
        "templates/site/meetings.md.j2:1: テンプレート: 読み込むテンプレート「_nosuch.md.j2」が見つかりません — 名前を確かめて"
        "ください（同梱のテンプレートと、templates/ の同じフォルダにあるものが使えます）",
        "templates/site/overrides/partials/copyright.html:1: テンプレート: サイトのテンプレートを処理できません: No filter "
        f"named 'nosuchfilter'. — {TAG_HINT}"]


def test_a_word_template_with_an_unclosed_tag_is_said_by_check_as_the_build_would_fail(council, monkeypatch):
    """A trial found `check` said OK for a Word template whose tag was never closed (`{{ oops `); the build then made
    no Word file.  check renders the first item with the council's template, as the build will."""
    monkeypatch.chdir(council)
    edited_docx(SHIPPED / "docx" / AGENDA_DOCX, council / "templates" / "docx" / AGENDA_DOCX,
                "{{ title }}", "{{ title }} {{ oops ")
    found = problems_of(council)
    assert len(found) == 1 and found[0].startswith(f"templates/docx/{AGENDA_DOCX}:1: テンプレート: "), found
    assert found[0].endswith(WORD_HINT)
    assert not (council / "build").exists()
