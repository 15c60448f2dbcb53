"""The one pipeline: load → validate → cross-check → render, writing nothing when content has errors."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from .checks import cross_check
from .forms import load_forms
from .load import load_tree
from .model import Archive
from .outputs import writing
from .problems import ContentError, Problems
from .validate import validate


def load_archive(content: Path):
    """Load, validate and cross-check everything under content/; returns (Archive, Problems)."""
    problems = Problems()
    content = Path(content)
    agendas, meetings, catalog = load_tree(content, problems)
    forms = load_forms(content, problems) if content.is_dir() else None
    if forms is None:
        return Archive(), problems  # the forms say how to read everything else
    archive = validate(agendas, meetings, catalog, forms, problems, content)
    cross_check(archive, problems)
    return archive, problems


def checked_archive(content: Path, strict: bool = False, report=print):
    """The archive, after printing every problem; raises ContentError when it must not be rendered."""
    archive, problems = load_archive(content)
    for problem in problems.sorted():
        report(str(problem))
    if problems.errors or (strict and problems.warnings):
        raise ContentError(problems, printed=True)
    return archive


def checked_forms(content: Path, report=print):
    """The form definition alone (for `schema`), after printing its problems; raises ContentError when broken."""
    problems = Problems()
    forms = load_forms(Path(content), problems)
    for problem in problems.sorted():
        report(str(problem))
    if forms is None or problems.errors:
        raise ContentError(problems, printed=True)
    return forms


@contextmanager
def rendering(report):
    """A template that cannot be used (site or Word) or a site tool that fails is a problem like a content error:
    path:line: field: message — hint, printed, and nothing is replaced."""
    from .outputs import display
    from .render_docx import TemplateProblem
    from .site.build import SiteFailure
    from .site.pages import TemplateFailure

    problems = Problems()
    try:
        yield
    except TemplateFailure as err:
        problems.error(err.path, err.line, "テンプレート", f"サイトのテンプレートを処理できません: {err.message}",
                       "テンプレートのタグ（{{ }} や {% %}）を確かめてください。元に戻すには git で前の版を取り出してください")
    except TemplateProblem as err:
        problems.error(display(err.path).rstrip("/") if err.path else "templates/docx", 1, "テンプレート", str(err),
                       "テンプレートを Word で開き、タグ（{{ }} や {%p %}）とスタイル名を確かめてください")
    except SiteFailure as err:
        problems.error("mkdocs.yml", 1, "サイト", str(err), "表示されたメッセージを確かめてください。前回の出力はそのままです")
    for problem in problems:
        report(str(problem))
    if problems:
        raise ContentError(problems, printed=True)


def build(content: Path, docx_out: Path | None = None, site_out: Path | None = None, pdf: bool = False,
          strict: bool = False, report=print) -> dict:
    """Run the whole pipeline; render only the views asked for, and replace every output or none.

    Returns {"docx": files written, "site": files written}."""
    from .render_docx import write_documents
    from .site.build import write_site

    content = Path(content).resolve()
    targets = {name: Path(folder) for name, folder in (("docx", docx_out), ("site", site_out)) if folder is not None}
    with writing(targets, content, report) as outputs, rendering(report):  # refuses unowned folders before any work
        archive = checked_archive(content, strict, report)
        written = {}
        staged_docx = None
        if docx_out is not None:
            staged_docx = outputs.stage("docx")
            written["docx"] = write_documents(archive, staged_docx, content, pdf=pdf, work=outputs.work)
        if site_out is not None:
            written["site"] = write_site(archive, outputs.stage("site"), content, docx_dir=staged_docx,
                                         work=outputs.scratch("site"))
    return written
