"""The council's own templates (templates/ beside its content/, fugi.resources.Templates), checked like content: each
override a regular file inside that folder (a symlink out is refused: what it points at would be built and published),
a site template Jinja can read, a Word template fugi can render holding every tag the shipped one of that name has.

Every problem is `path:line: field: what — how`, reported by `check` and every command before anything is written."""
from __future__ import annotations

import os
import re
from pathlib import Path

from fugi.problems import Problems
from fugi.source.files import Place, file_problem, outside_problem

#: the tags of a Word template that fugi fills ({{ title }}, {{p body }} …), compared without their spaces
_TAG = re.compile(r"\{\{[^{}]*\}\}")
#: tags of a numbered column pair ({{ r[3].name }}): a template may lay the numbered items out in fewer pairs
_COLUMN = re.compile(r"r\[\d+\]")
TAG_HINT = "テンプレートのタグ（{{ }} や {% %}）を確かめてください。同梱の同じ名前のテンプレートと見比べるか、git で前の版を取り出すと直せます"
WORD_HINT = ("テンプレートを Word で開き、タグ（{{ }} や {%p %}）とスタイル名を確かめてください。同梱の同じ名前のテンプレート"
             "（fugi の templates/docx/）と見比べるか、git で前の版を取り出すと直せます")


def check_templates(templates, forms, content: Path, problems: Problems, archive=None) -> None:
    """Add a problem for every override of `templates` (fugi.resources.Templates) that cannot be used; a council's
    Word template is also tried on the archive's first document of its kind (when the content has no error), as the
    build would render it."""
    if templates.own is None:
        return
    from fugi.build.outputs import shown

    bad = unsafe_files(templates.own, problems, shown)
    site = templates.own / "site"
    published_files(site / "overrides", bad, problems, shown)
    environments = {}
    for path in sorted(site.rglob("*")) if site.is_dir() and not site.is_symlink() else ():
        if path.suffix in (".j2", ".html") and path not in bad and path.is_file():
            theme = (site / "overrides") in path.parents
            if theme not in environments:
                environments[theme] = theme_environment(templates) if theme else page_environment(templates)
            check_site_template(path, problems, shown(path), environments[theme])
    words = {forms.agenda.texts["Word"]: "agenda", forms.meeting.texts["Word"]: "meeting"}
    order = forms.meeting.texts.get("次第")
    if isinstance(order, dict) and order.get("Word"):
        words.setdefault(order["Word"], "order")
    for name, kind in words.items():
        path = templates.docx(name)
        if templates.is_own(path) and path not in bad:
            if check_word_template(path, kind, templates.shipped_docx / name, problems, shown(path)):
                try_word_template(kind, archive, content, templates, problems, shown(path))


#: what MkDocs copies from the theme folder as it is into the public site, besides the templates (.html, sitemap.xml)
WEB_ASSETS = {".css", ".js", ".mjs", ".map", ".png", ".svg", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".ico",
              ".woff", ".woff2", ".ttf", ".otf"}


def published_files(overrides: Path, bad: set, problems: Problems, shown) -> None:
    """Every file of the theme folder that is not a template MkDocs copies into the public site as it is: only the
    images, styles, scripts and fonts under assets/ may be there, never a note or an editor's backup (memo.txt,
    copyright.html.bak would be published)."""
    if not overrides.is_dir() or overrides.is_symlink():
        return
    for path in sorted(overrides.rglob("*")):
        rel = path.relative_to(overrides)
        if path in bad or not path.is_file() or any(part.startswith(".") for part in rel.parts):
            continue  # hidden files are not published
        if path.suffix == ".html" or rel.as_posix() == "sitemap.xml":
            continue
        if rel.parts[0] == "assets" and path.suffix.lower() in WEB_ASSETS:
            continue
        problems.error(shown(path), 1, "ファイル",
                       "テーマのフォルダのこのファイルは、できあがるサイト（site/）にそのまま載ります（テーマの部品でも、assets/ の下の画像・"
                       "CSS・JavaScript・フォントでもありません）",
                       "サイトに載せないファイル（メモや控え）は templates/ の外へ移してください。載せる画像・CSS・JavaScript なら "
                       "templates/site/overrides/assets/ の下に置いてください")


#: file_problem's words for a council's templates/
TEMPLATES_PLACE = Place("templates/", "ファイルそのものを templates/ の中に置いてください（リンク先は読みません）",
                        "テンプレートはふつうのファイルとして保存してください")


def unsafe_files(own: Path, problems: Problems, shown) -> set:
    """The entries under `own` that are not regular files inside it (reported, as content's are:
    fugi.source.files.file_problem); returns their paths.  A folder linked inside it is fine (not walked)."""
    bad = set()
    for top, folders, names in os.walk(own):
        folders.sort()
        for name in sorted(folders + names):
            path = Path(top) / name
            if name in folders:  # a folder of its own is walked; one reached through a link must stay inside
                why = outside_problem(path, own, TEMPLATES_PLACE) if path.is_symlink() else ()
            else:
                why = file_problem(path, own, TEMPLATES_PLACE)
            if why:
                bad.add(path)
                problems.error(shown(path), 1, "ファイル", *why)
    return bad


def page_environment(templates):
    """The pages' own Jinja environment (its filters and globals; the council's folder, then the shipped one)."""
    from fugi.site.pages import environment

    return environment(templates)


def theme_environment(templates):
    """MkDocs' environment of the theme (Material with the shipped overrides and the council's before them), or None
    when it cannot be made here (then the templates are only parsed)."""
    try:
        from mkdocs.config import load_config

        from fugi.site.mkdocs_site import CONFIG_FILE

        config = load_config(str(CONFIG_FILE))
        for folder in reversed(templates.theme_dirs()):
            config.theme.dirs.insert(0, str(folder))
        return config.theme.get_env()
    except Exception:  # noqa: BLE001 - a theme MkDocs cannot load is said by the build itself
        return None


def check_site_template(path: Path, problems: Problems, shown: str, env=None) -> None:
    """A page template (.j2) or a theme override (.html): text Jinja can compile in the environment it runs in (an
    unknown filter or test is a mistake at its line), every template it includes, imports or extends found."""
    import jinja2
    import jinja2.meta

    try:
        source = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        line = path.read_bytes()[: err.start].count(b"\n") + 1
        problems.error(shown, line, "テンプレート", "UTF-8として読めない文字があります",
                       "エディタで文字コードをUTF-8にして保存し直してください（Shift_JISは使えません）")
        return
    except OSError as err:
        problems.error(shown, 1, "ファイル", f"ファイルを読めません（{err.strerror}）", "ファイルの読み取りの権限を確かめてください")
        return
    env = env or jinja2.Environment()
    try:
        env.compile(source, path.name, str(path))
        tree = env.parse(source, path.name, str(path))
    except jinja2.TemplateSyntaxError as err:  # an unknown filter too (TemplateAssertionError)
        problems.error(shown, err.lineno or 1, "テンプレート", f"サイトのテンプレートを処理できません: {err.message}", TAG_HINT)
        return
    if env.loader is None:
        return
    for name in sorted({name for name in jinja2.meta.find_referenced_templates(tree) if name}):
        try:
            env.loader.get_source(env, name)
        except jinja2.TemplateNotFound:
            line = next((number for number, text in enumerate(source.splitlines(), 1) if name in text), 1)
            problems.error(shown, line, "テンプレート", f"読み込むテンプレート「{name}」が見つかりません",
                           "名前を確かめてください（同梱のテンプレートと、templates/ の同じフォルダにあるものが使えます）")


def check_word_template(path: Path, kind: str, shipped: Path, problems: Problems, shown: str) -> bool:
    """A Word template: one fugi can load (a Word file with the styles and the tags fugi needs) that keeps every tag
    the shipped template of the same name has (without it a document would silently lose a part)."""
    from fugi.word.ooxml import template_text
    from fugi.word.render_docx import TemplateProblem, load_template

    try:
        template = load_template(path, kind)
    except TemplateProblem as err:
        problems.error(shown, 1, "テンプレート", str(err), WORD_HINT)
        return False
    except Exception as err:  # noqa: BLE001 - whatever python-docx makes of a file that is not a Word file
        problems.error(shown, 1, "テンプレート", f"Word のテンプレートとして読めません: {type(err).__name__}: {err}", WORD_HINT)
        return False
    try:
        theirs = tags(template_text(shipped.read_bytes())) if shipped.is_file() else set()
    except Exception:  # noqa: BLE001 - the shipped template is fugi's own: nothing to compare with
        theirs = set()
    missing = sorted(theirs - tags(template.text))
    if missing:
        problems.error(shown, 1, "テンプレート",
                       "同梱のテンプレートにあるタグがありません（そのままでは文書の一部が印字されません）: " + "、".join(missing),
                       f"Word で開き、同梱のテンプレート（fugi の templates/docx/{shipped.name}）と同じ位置にタグを書き戻してください")
    return not missing


def try_word_template(kind: str, archive, content: Path, templates, problems: Problems, shown: str) -> None:
    """Render the archive's first item (or meeting) with the council's Word template, as the build will: a tag the
    template opens and never closes makes no Word file, and only rendering says so."""
    from fugi.word.render_docx import TemplateProblem, agenda_docx, meeting_docx

    if archive is None or problems.errors:
        return
    try:
        if kind == "agenda" and archive.agendas:
            agenda_docx(archive.agendas[0], archive.forms, content, templates=templates)
        elif kind == "meeting" and archive.meetings:
            meeting_docx(archive.meetings[0], archive.forms, templates=templates)
    except TemplateProblem as err:
        problems.error(shown, 1, "テンプレート", str(err), WORD_HINT)
    except Exception as err:  # noqa: BLE001 - what docxtpl's Jinja makes of a broken tag
        problems.error(shown, 1, "テンプレート", f"この様式で Word 文書を作れません: {type(err).__name__}: {err}", WORD_HINT)


def tags(text: str) -> set:
    """The {{ … }} tags of a template's text, spaces taken out, without those of numbered column pairs."""
    return {"{{ " + " ".join(tag[2:-2].split()) + " }}" for tag in _TAG.findall(text) if not _COLUMN.search(tag)}
