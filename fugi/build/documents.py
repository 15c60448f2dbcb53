"""Word and PDF files of an archive: keyed by what they are made from, taken from the cache when unchanged,
rendered in parallel processes when not.

The keys (fugi.build.keys.Keys) cover what each document is made from; a PDF's key is the hash of its Word
file's bytes, so an unchanged Word file never starts LibreOffice again.
"""
from __future__ import annotations

import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from fugi import model as m
from fugi.build.cache import Cache, value_bytes
from fugi.build.jobs import fork_map, jobs
from fugi.build.keys import Keys, pdf_base, pdf_key, printed_id as keys_printed_id
from fugi.views.flow import flow_graph
from fugi.views.printed import Views
from fugi.word.flow_picture import pictures
from fugi.word.render_docx import TemplateProblem, agenda_docx, fail, meeting_docx, template_path

#: Fewer misses than this are rendered in the build's own process (starting workers costs more).
POOL_THRESHOLD = 24


# ---------------------------------------------------------------------------
# Word


class _Render:
    """Renders one document of one scope: (the .docx bytes, or (template path, message) when its template cannot be
    used; the id of what it prints (printed_id), or None).  A document whose sources changed but whose view did not
    (an item of the edited item's meeting) takes the bytes the cache holds under the key of that view.  Run in the
    build's process or, holding the archive and its views, in forked workers (fugi.build.jobs)."""

    def __init__(self, archive: m.Archive, content_root: Path, cache: Cache, keys: Keys, views: Views):
        self.archive, self.content_root, self.cache, self.keys, self.views = archive, content_root, cache, keys, views
        self.documents = documents_by_id(archive)

    def __call__(self, doc: tuple):
        kind, ident = doc
        document, forms = self.documents[doc], self.archive.forms
        shown = printed(kind, document, self.views)
        made = self.views.ids.get(doc) or printed_id(doc, shown)  # known already when compared with the other scope
        key = self.keys.printed(made) if made is not None and self.cache.enabled else None
        found = self.cache.get("docx-view", key) if key is not None else None
        if found is not None:
            return found, made
        try:
            if kind == "agendas":
                return agenda_docx(document, forms, self.content_root, shown[0], self.keys.templates), made
            return meeting_docx(document, forms, shown[0], self.keys.templates), made
        except TemplateProblem as err:
            form = forms.agenda if kind == "agendas" else forms.meeting
            return (str(template_path(form, self.keys.templates)), str(err)), made


def printed(kind: str, document, views: Views) -> tuple:
    """Everything a Word file is made from besides the template: the view, and the date of its core properties."""
    if kind == "agendas":
        return views.agenda(document), document.meeting.date if document.meeting else None
    return views.meeting(document), document.date, document.council


def render_word(archive: m.Archive, content_root: Path, cache: Cache, keys: Keys, views: Views | None = None,
                workers: int | None = None, same_as: tuple | None = None) -> dict:
    """{(kind, id): .docx bytes} for every agenda item and meeting of `archive`; unchanged ones from the cache.

    `keys` (fugi.build.keys.Keys, of the scope `archive` is: all documents, or the public view) are made from the
    archive as checked even when `archive` is its public view; `views` (fugi.views.printed.Views) are the archive's
    printed views, made here when missing and kept there (with the id of what each Word file prints) for the rest
    of the build.  same_as=(other archive's Views, its Word files): a document that prints exactly as in the other
    archive (the same view; most of the public view is) takes its bytes instead of being rendered again."""
    views = views if views is not None else Views(archive)
    wanted = [("agendas", a.id) for a in sorted(archive.agendas, key=lambda a: a.id)]
    wanted += [("meetings", mt.id) for mt in sorted(archive.meetings, key=lambda mt: mt.id)]
    result, missing = {}, []
    for doc in wanted:
        data = cache.get("docx", keys.of(*doc))
        if data is None:
            missing.append(doc)
        else:
            result[doc] = data
    reused = []
    render = _Render(archive, Path(content_root), cache, keys, views)
    if same_as is not None and missing:
        other_views, other_word = same_as
        theirs = documents_by_id(other_views.archive)
        reused = [doc for doc in missing if doc in other_word and doc in theirs
                  and _same_print(doc, render.documents[doc], views, theirs[doc], other_views)]
        result.update((doc, other_word[doc]) for doc in reused)
        missing = [doc for doc in missing if doc not in result]
    by_id = {a.id: a for a in archive.agendas}
    drawn = [by_id[ident] for kind, ident in missing if kind == "agendas" and by_id[ident].data_flow is not None
             and not by_id[ident].data_flow.image]
    if drawn:  # the flow drawings of the items to render, made by one `dot` run (forked workers inherit them)
        pictures([flow_graph(a, archive.forms) for a in drawn], "png", content_root)
    workers = min(workers or jobs(), len(missing))
    if workers > 1 and len(missing) >= POOL_THRESHOLD:
        made = fork_map(render, missing, workers)
    else:
        made = [render(doc) for doc in missing]
    for doc, (data, ident) in zip(missing, made):
        if isinstance(data, tuple):
            path, message = data
            fail(_display(path), message, "テンプレートを Word で開き、タグ（{{ }} や {%p %}）とスタイル名を確かめてください。"
                 "元に戻すには git で前の版を取り出してください")
        result[doc] = data
        if ident is not None:
            views.ids[doc] = ident
    for doc in [*reused, *missing]:
        cache.put("docx", keys.of(*doc), result[doc])
        if doc in views.ids and doc in missing:
            cache.put("docx-view", keys.printed(views.ids[doc]), result[doc])
    return {doc: result[doc] for doc in wanted}


def printed_id(doc: tuple, shown: tuple) -> str | None:
    """What a Word file's view is known by (fugi.build.keys.printed_id); None when it cannot be known."""
    data = value_bytes(shown)
    return keys_printed_id(doc, data) if data is not None else None


def _same_print(doc: tuple, mine, views: Views, theirs, other: Views) -> bool:
    """Whether a document prints the same in two scopes: by the ids of their views (each view made once per scope,
    in a worker or here), or by the views themselves when an id cannot be made."""
    kind = doc[0]
    if doc not in views.ids:
        made = printed_id(doc, printed(kind, mine, views))
        if made is not None:
            views.ids[doc] = made
    if doc not in other.ids:
        made = printed_id(doc, printed(kind, theirs, other))
        if made is not None:
            other.ids[doc] = made
    if doc in views.ids and doc in other.ids:
        return views.ids[doc] == other.ids[doc]
    return printed(kind, mine, views) == printed(kind, theirs, other)


def documents_by_id(archive: m.Archive) -> dict:
    """{(kind, id): agenda item or meeting}."""
    return {**{("agendas", a.id): a for a in archive.agendas}, **{("meetings", mt.id): mt for mt in archive.meetings}}


# ---------------------------------------------------------------------------
# PDF


def render_pdfs(word: dict, cache: Cache, work: Path | None = None, workers: int | None = None) -> dict:
    """{(kind, id): PDF bytes} for {(kind, id): .docx bytes}; each missing one converted by LibreOffice,
    in `workers` runs at once (each with its own profile).  Raises pdf.PdfError."""
    from fugi.word.pdf import convert, normalize_pdf

    base = pdf_base()
    keys = {doc: pdf_key(base, data) for doc, data in word.items()}
    result = {doc: cache.get("pdf", key) for doc, key in keys.items()}
    missing = sorted(doc for doc, data in result.items() if data is None)
    if missing:
        if work is not None:
            Path(work).mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="fugi-pdfs-", dir=work) as scratch:
            files = {}
            for kind, ident in missing:
                path = Path(scratch) / kind / f"{ident}.docx"
                path.parent.mkdir(exist_ok=True)
                path.write_bytes(word[(kind, ident)])
                files[(kind, ident)] = path
            count = max(1, min(workers or jobs(), len(missing)))
            batches = [missing[i::count] for i in range(count)]
            with ThreadPoolExecutor(count) as pool:  # each batch is one soffice process
                list(pool.map(lambda batch: convert([files[d] for d in batch], work=scratch), batches))
            for doc in missing:
                data = normalize_pdf(files[doc].with_suffix(".pdf").read_bytes(), word[doc])
                cache.put("pdf", keys[doc], data)
                result[doc] = data
    return result


def current_pdfs(word: dict, cache: Cache, previous: Path | None = None) -> dict:
    """{(kind, id): PDF bytes} of the PDFs already made of these very Word files, none converted (`--no-pdf`: the
    PDF of an unchanged Word file is still current): from the cache, else the PDF beside an identical Word file in
    `previous` (the output folder being replaced: kind/id.docx and kind/id.pdf)."""
    base = pdf_base()
    found = {}
    for doc, data in word.items():
        kept = cache.get("pdf", pdf_key(base, data))
        if kept is None and previous is not None:
            kind, ident = doc
            made, pdf = Path(previous) / kind / f"{ident}.docx", Path(previous) / kind / f"{ident}.pdf"
            try:
                if made.read_bytes() == data:
                    kept = pdf.read_bytes()
            except OSError:
                kept = None
        if kept is not None:
            found[doc] = kept
    return found


# ---------------------------------------------------------------------------
# The clerks' folder (build/docx)


def write_documents(archive: m.Archive, out_dir: Path, content_root: Path, pdf: bool = False,
                    work: Path | None = None, cache: Cache | None = None, keys: Keys | None = None,
                    word: dict | None = None, reuse=None, kept_pdfs: dict | None = None) -> list[Path]:
    """Write agendas/<id>.docx for every agenda item and meetings/<id>.docx for every meeting (and PDFs).
    reuse (fugi.build.reuse.Reuse): links in the files of the output being replaced that stay the same.
    kept_pdfs: without pdf, the PDFs still current (current_pdfs()) written beside their Word files."""
    out_dir, cache = Path(out_dir), cache or Cache(None)
    if pdf:
        from fugi.word.pdf import soffice_path

        if soffice_path() is None:
            fail("build.py pdf", "PDF を作るには LibreOffice（soffice）が必要ですが、見つかりません",
                 "LibreOffice を入れてください（Debian: sudo apt-get install libreoffice-writer-nogui fonts-ipaexfont）。"
                 "Word 文書だけなら `python build.py docx` を使ってください")
    word = word if word is not None else render_word(archive, content_root, cache, keys or Keys(archive, content_root))
    written = write_files(out_dir, word, ".docx", reuse)
    if kept_pdfs and not pdf:
        written += write_files(out_dir, kept_pdfs, ".pdf", reuse)
    if pdf:
        from fugi.word.pdf import PdfError

        try:
            written += write_files(out_dir, render_pdfs(word, cache, work), ".pdf", reuse)
        except PdfError as err:
            fail("build.py pdf", str(err), "LibreOffice の出力を確かめてください。Word 文書は作れています")
    return written


def write_files(out_dir: Path, files: dict, suffix: str, reuse=None) -> list[Path]:
    """Write into a staging folder (fugi.build.outputs): it is swapped in whole, so a file needs no atomic write of its own.
    reuse (fugi.build.reuse.Reuse): a file the current output already holds as it is to be is linked, not written."""
    written, folders = [], set()
    for (kind, ident), data in files.items():
        target = Path(out_dir) / kind / f"{ident}{suffix}"
        if target.parent not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        if reuse is not None:
            reuse.write(out_dir, f"{kind}/{ident}{suffix}", data)
        else:
            target.write_bytes(data)
        written.append(target)
    return written


def _display(path) -> str:
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return str(path)

