"""The one pipeline: load → validate → cross-check → render, writing nothing when content has errors."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from fugi.forms.definition import load_forms
from fugi.build.outputs import writing
from fugi.problems import ContentError, Problems


def load_archive(content: Path, templates=None):
    """Load, validate and cross-check everything under content/, and the council's own templates/ beside it;
    returns (Archive, Problems).

    fugi.archive.loader.Loader does the stages (load → validate → cross-check); each unchanged file's model and
    problems come from the build cache.  templates: the build's fugi.resources.Templates (else content's)."""
    from fugi.build.cache import open_cache
    from fugi.archive.loader import Loader
    from fugi.resources import Templates
    from fugi.validate.templates import check_templates

    content = Path(content)
    archive, problems, _ = Loader(content, open_cache(content) if content.is_dir() else None).load()
    if archive.forms is not None:
        check_templates(templates or Templates.of(content), archive.forms, content, problems, archive)
    return archive, problems


def checked_archive(content: Path, strict: bool = False, report=print, templates=None):
    """The archive, after printing every problem; raises ContentError when it must not be rendered."""
    archive, problems = load_archive(content, templates)
    _keep_outcome(content, strict, archive, problems)
    for problem in problems.sorted():
        report(str(problem))
    if problems.errors or (strict and problems.warnings):
        raise ContentError(problems, printed=True)
    return archive


def check(content: Path, strict: bool = False, report=print) -> str:
    """`build.py check`: print every problem, return the summary line; raises ContentError like checked_archive.

    The outcome is kept in the build cache under the hash of every input (content files, fugi's code): when
    nothing changed since the last check or build, the same lines are printed again without reading the archive."""
    import json

    from fugi.problems import Problem

    refuse_misplaced_cache(Path(content), {}, report)
    report_missing_dot(report)
    cache, key = _outcome_key(content, strict)
    kept = cache.get("check", key) if key else None
    if kept is not None:
        outcome = json.loads(kept)
        return _outcome(Problems(Problem(*one) for one in outcome["problems"]), outcome["summary"], strict, report)
    archive, problems = load_archive(content)
    return _outcome(problems, _keep_outcome(content, strict, archive, problems, (cache, key)), strict, report)


def report_missing_dot(report) -> None:
    """Say once that the flow drawings are left out when Graphviz is not installed (the rest builds)."""
    from fugi.word.flow_picture import engine, missing_notice

    if engine() is None:
        report(missing_notice())


def _outcome_key(content: Path, strict: bool):
    """(the build cache, the key of check's outcome for the content as it is now, or None)."""
    from fugi.build.cache import open_cache
    from fugi.build.keys import check_key
    from fugi.source.files import AGENDA_DIR, MEETING_DIR

    content = Path(content)
    cache = open_cache(content)
    if not cache.enabled or not all((content / name).is_dir() for name in (AGENDA_DIR, MEETING_DIR)):
        return cache, None
    return cache, check_key(content, strict)


def _keep_outcome(content, strict, archive, problems, where=None) -> str:
    """Store what check prints for this content (a build stores it too); returns the summary line."""
    import json

    forms = archive.forms
    summary = (f"OK: {forms.agenda.name} {len(archive.agendas)} 件、{forms.meeting.name} {len(archive.meetings)} 件"
               + (f"、標準の{forms.agenda.role('checklists').label} {len(archive.catalog)} 種" if forms.has_checklists else "")
               ) if forms else ""
    cache, key = where or _outcome_key(content, strict)
    if key is not None:
        rows = [[p.path, p.line, p.field, p.message, p.hint, p.warning] for p in problems]
        cache.put("check", key, json.dumps({"problems": rows, "summary": summary}, ensure_ascii=False).encode())
    return summary


def _outcome(problems, summary: str, strict: bool, report) -> str:
    for problem in problems.sorted():
        report(str(problem))
    if problems.errors or (strict and problems.warnings) or not summary:
        raise ContentError(problems, printed=True)
    return summary


def refuse_misplaced_cache(content: Path, targets: dict, report=print) -> None:
    """A cache folder that is, or is inside, content/ or an output folder: every such problem printed, nothing done."""
    from fugi.build.cache import misplaced

    problems = misplaced(content, targets)
    for problem in problems.sorted():
        report(str(problem))
    if problems:
        raise ContentError(problems, printed=True)


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
    from fugi.build.outputs import display
    from fugi.word.render_docx import TemplateProblem
    from fugi.site.failures import SiteFailure, TemplateFailure  # not the site's modules: a Word build needs none

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
          strict: bool = False, report=print, pdf_when_possible: bool = False, site_pdf: bool = True,
          keep_pdf: bool = False) -> dict:
    """Run the whole pipeline; render only the views asked for, and replace every output or none.

    keep_pdf (`--no-pdf`): no PDF is made, but the PDFs already made of unchanged Word files stay (still current).

    pdf=True makes the PDFs (LibreOffice required); pdf_when_possible makes them when LibreOffice is installed
    and says so when it is not.  The site's PDFs are those of its public Word files.  Word and PDF files come
    from the build cache (fugi.cache) when nothing they are made from changed.
    Returns {"docx": files written, "site": files written}."""
    from fugi.build.cache import open_cache
    from fugi.build.documents import current_pdfs, render_word, write_documents
    from fugi.build.keys import Keys
    from fugi.resources import Templates
    from fugi.views.printed import Views
    from fugi.word.pdf import soffice_path

    templates = Templates.of(content)  # as named: the council's templates/ beside the content/ it gave
    content = Path(content).resolve()
    targets = {name: Path(folder) for name, folder in (("docx", docx_out), ("site", site_out)) if folder is not None}
    refuse_misplaced_cache(content, targets, report)
    with writing(targets, content, report) as outputs, rendering(report):  # refuses unowned folders before any work
        # each intermediate is made once, here, and passed down: the checked (and linked) archive, the keys of its
        # Word files, its public view, one printed view per document and scope, the Word files, the pages
        archive = checked_archive(content, strict, report, templates)
        cache = open_cache(content)
        has_soffice = soffice_path() is not None
        make_pdf = pdf or (pdf_when_possible and has_soffice)
        if (pdf_when_possible or (site_out is not None and site_pdf)) and not has_soffice and not pdf:
            report("LibreOffice（soffice）が見つからないため、PDF は作っていません（ほかの出力は作りました）。"
                   "PDF も作るには LibreOffice を入れてください（Debian: sudo apt-get install libreoffice-writer-nogui "
                   "fonts-ipaexfont）")
        report_missing_dot(report)
        keys = Keys(archive, content, "all", templates)
        views = Views(archive)
        written = {}
        staged_docx = None
        full = None
        if docx_out is not None:
            staged_docx = outputs.stage("docx")
            full = render_word(archive, content, cache, keys, views)
            kept = current_pdfs(full, cache, Path(docx_out)) if keep_pdf and not make_pdf else None
            written["docx"] = write_documents(archive, staged_docx, content, pdf=make_pdf, work=outputs.work,
                                              cache=cache, word=full, reuse=outputs.reuse("docx", cache.root),
                                              kept_pdfs=kept)
        if site_out is not None:
            from fugi.views.public import public_archive
            from fugi.site.mkdocs_site import write_site

            public = public_archive(archive)
            public_keys, public_views = keys.scoped("public"), Views(public)
            word = render_word(public, content, cache, public_keys, public_views,
                               same_as=(views, full) if full else None)
            if keep_pdf and not site_pdf:  # --no-pdf: the PDFs of unchanged Word files are still current
                pdfs = current_pdfs(word, cache, Path(site_out) / "downloads")
            else:
                pdfs = site_pdfs(word, cache, outputs.work, has_soffice and site_pdf)
            files = {"docx": word, "pdf": pdfs}
            made = {"public": public, "views": public_views, "keys": public_keys}
            if cache.enabled:
                from fugi.site.speed.incremental import write_site as write_site_incremental

                written["site"] = write_site_incremental(archive, outputs.stage("site"), content, cache.root,
                                                         files=files, work=outputs.scratch("site"),
                                                         reuse=outputs.reuse("site", cache.root), made=made)
            else:
                written["site"] = write_site(archive, outputs.stage("site"), content, docx_dir=staged_docx,
                                             work=outputs.scratch("site"), files=files, made=made)
        cache.prune()
    return written


def site_pdfs(word: dict, cache, work, wanted: bool) -> dict:
    """The PDFs of the site's Word files, or none when LibreOffice is missing (the pages then offer Word only)."""
    from fugi.build.documents import render_pdfs
    from fugi.word.pdf import PdfError
    from fugi.word.render_docx import fail

    if not wanted:
        return {}
    try:
        return render_pdfs(word, cache, work)
    except PdfError as err:
        fail("build.py", str(err), "LibreOffice の出力を確かめてください")
