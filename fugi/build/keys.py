"""Every key of the build cache, in one place: what each kept thing is made from (fugi.build.cache stores them).

A key covers more than what it keys strictly reads, never less.  The cache is switchable off (FUGI_CACHE=off):
nothing is then looked up under these keys, and every output comes out byte for byte the same.

- models (fugi.archive.loader): a file's validated model and problems — fugi's code, the files beside the items
  (forms, checklists, vocabulary), the file's name as problems print it, and its bytes; the forms themselves
  under the same context.
- check (fugi.pipeline): what `check` printed — fugi's code, the context, every item and meeting file.
- Word files (Keys, fugi.build.documents): see Keys; a Word file is also kept under the id of its view (printed).
- PDFs: the Word file's bytes, LibreOffice and the font map (pdf_key).
- site: the kept pages and MkDocs' output (site_key); a rendered page (page_key, known_page_key); an item's list
  row and review (site_item_key); rendered clerk Markdown (markdown_key); the search index (search_key) and each
  page's part of it (search_page_key).
- outputs: the record of what fugi wrote into an output folder (output_record_name).
"""
from __future__ import annotations

import hashlib
import json
import os
from collections import defaultdict
from pathlib import Path

from fugi import model as m
from fugi.build.cache import code_digest, context_digest, digest, file_digest, linked
from fugi.source.files import AGENDA_DIR, MEETING_DIR, display_path


# ---------------------------------------------------------------------------
# Models and check


def model_key(context: str, shown: str, file: str) -> str:
    """A content file's model and problems: `shown` is the file as problems print it, `file` its file_digest."""
    return digest(code_digest(), context, shown, file)


def shared_key(context: str, shown: str) -> str:
    """The forms, the checklist catalog, the vocabulary and the readings, with their problems."""
    return digest(code_digest(), "shared", context, shown)


def check_key(content: Path, strict: bool) -> str:
    """What `check` prints for the content as it is now (and the council's own templates/ beside it, checked too)."""
    from fugi.resources import Templates

    files = sorted((f"{name}/{entry.name}", entry.is_symlink()) for name in (AGENDA_DIR, MEETING_DIR)
                   for entry in os.scandir(content / name) if entry.name.endswith(".md"))  # glob, without pathlib's cost
    return digest(code_digest(), context_digest(content), Templates.of(content).digest(), display_path(content, content), strict,
                  [(rel + (linked(f"{content}/{rel}") if link else ""), file_digest(f"{content}/{rel}"))
                   for rel, link in files])


# ---------------------------------------------------------------------------
# Word and PDF


class Keys:
    """The cache key of every Word file of an archive, in one scope ("all" documents, or the "public" view).

    A document's key covers its own file, every meeting file that names it (its meeting, decision and history come
    from there) and the files of the items those meetings name, the files under content/ that are not items or
    meetings (forms, checklists, images), the Word templates, fugi's code, Graphviz's version and the scope.  That is more than a
    document strictly reads, never less: an edit redoes the edited item, its meetings and their other items, and
    nothing else.  Made once per build from the archive as checked; scoped() gives the other scope's keys, sharing
    every file's digest."""

    def __init__(self, archive: m.Archive, content_root: Path, scope: str = "all", templates=None):
        from fugi.resources import Templates
        from fugi.word.flow_picture import engine_id
        from fugi.word.render_docx import template_path

        root = Path(content_root)
        #: the build's template set (fugi.resources.Templates: the council's templates/ over the shipped ones)
        self.templates = templates if templates is not None else Templates.of(root)
        used = [template_path(form, self.templates) for form in (archive.forms.agenda, archive.forms.meeting)]
        # which file (the council's or the shipped one) and its bytes: an edited or added override makes new keys
        words = [(self.templates.is_own(path), path.read_bytes()) for path in used]
        # the drawing on 資料N-1 is Graphviz's: its version (or its absence) is part of every Word file
        self._made = (code_digest(), words, context_digest(root), engine_id())
        self.scope = scope
        self.base = digest(*self._made, scope)
        agendas, meetings = os.path.join(root, AGENDA_DIR), os.path.join(root, MEETING_DIR)
        self.sources = {("agendas", a.id): file_digest(f"{agendas}/{a.id}.md") for a in archive.agendas}
        self.sources |= {("meetings", mt.id): file_digest(f"{meetings}/{mt.id}.md") for mt in archive.meetings}
        self.named = {mt.id: sorted({i.agenda_id for i in mt.items if i.agenda_id}) for mt in archive.meetings}
        self.naming = defaultdict(list)
        self._parts: dict = {}
        for mt in sorted(archive.meetings, key=lambda one: one.id):
            for agenda_id in self.named[mt.id]:
                self.naming[agenda_id].append(mt.id)

    def scoped(self, scope: str) -> Keys:
        """The keys of the same archive in another scope (nothing read or hashed again but the base)."""
        other = object.__new__(Keys)
        other.__dict__.update(self.__dict__, scope=scope, base=digest(*self._made, scope))
        return other

    def _meeting_part(self, meeting_id: str) -> str:
        """A meeting's file and the files of the items it names (every item of the meeting shares it: made once)."""
        part = self._parts.get(meeting_id)
        if part is None:
            part = self._parts[meeting_id] = digest(meeting_id, self.sources[("meetings", meeting_id)],
                                                    [(a, self.sources.get(("agendas", a), "")) for a in self.named[meeting_id]])
        return part

    def agenda(self, agenda_id: str) -> str:
        return digest(self.base, "agenda", agenda_id, self.sources[("agendas", agenda_id)],
                      [self._meeting_part(mt) for mt in self.naming.get(agenda_id, [])])

    def meeting(self, meeting_id: str) -> str:
        return digest(self.base, "meeting", self._meeting_part(meeting_id))

    def of(self, kind: str, ident: str) -> str:
        return self.agenda(ident) if kind == "agendas" else self.meeting(ident)

    def printed(self, printed: str) -> str:
        """A Word file kept under what it prints (its printed_id), whichever sources it came from."""
        return digest(self.base, "printed", printed)


def printed_id(doc: tuple, data: bytes) -> str:
    """What a document's Word file prints: (kind, id) and the bytes of its view (fugi.build.cache.value_bytes)."""
    return digest(doc, data)


def pdf_base() -> str:
    """What a PDF depends on besides its Word file: LibreOffice, the font map and fugi's PDF code."""
    from fugi.word import pdf

    soffice = pdf.soffice_path()
    real = os.path.realpath(soffice) if soffice else ""
    stamp = os.stat(real).st_mtime_ns if real else 0
    return digest(real, stamp, pdf.FONTS_CONF.read_bytes(), Path(pdf.__file__).read_bytes())


def pdf_key(base: str, word: bytes) -> str:
    """The PDF of a Word file (base: pdf_base())."""
    return digest(base, word)


# ---------------------------------------------------------------------------
# Site


def site_key(config: bytes, templates, settings: str, scope: str) -> str:
    """What every page of the site depends on besides its own Markdown: fugi's code, mkdocs.yml, the site templates
    (templates: fugi.resources.Templates — the shipped folder and the council's own site files), the settings the
    forms give the site, the scope."""
    return digest(code_digest(), config, templates.site_digest(), settings, scope)[:20]


def page_key(shared: bytes, rel: str, template: str, context: bytes) -> str:
    """A rendered page: the labels every page gets, its place, its template and the bytes of its context."""
    return digest(shared, rel, template, context)


def known_page_key(shared: bytes, rel: str, template: str, known: str) -> str:
    """A rendered page whose context is known by a key of what it is made from (site_item_key, info_page_key)."""
    return digest(shared, rel, template, "known", known)


def site_item_key(agenda_key: str, downloads: list, image: str | None) -> str:
    """A published item's list row and review: its public Word key (Keys.agenda) with its downloads and figure."""
    return digest(agenda_key, "site item", json.dumps([downloads, image], sort_keys=True))


def info_page_key(item_keys: list) -> str:
    """The data-items page: made from the items' rows and reviews (their site_item_keys) and the vocabulary."""
    return digest(item_keys)


def markdown_key(heading_offset: int, source: str) -> str:
    """Clerk Markdown rendered as HTML."""
    return digest("markdown", heading_offset, source)


def pagefind_key(pagefind: str) -> str:
    """What a page's part of the search index depends on besides its HTML: Pagefind (its stamp) and fugi."""
    return digest(pagefind, code_digest())


def search_key(pagefind: str, html: dict) -> str:
    """The search index of a site: Pagefind, fugi and every page's HTML ({path: bytes})."""
    return digest(pagefind, code_digest(), sorted(html.items()))


def search_page_key(pagefind: str, rel: str, html: bytes) -> str:
    """A page's part of the search index (fugi.site.speed.search_index): pagefind_key, its place and its HTML."""
    return hashlib.sha256(b"%s\0%s\0%s" % (pagefind.encode(), rel.encode(), html)).hexdigest()


def search_pages_name(pagefind: str) -> str:
    """The file the pages' parts of the search index are kept in, for one pagefind_key."""
    return hashlib.sha256(pagefind.encode()).hexdigest()[:20]


# ---------------------------------------------------------------------------
# Outputs


def output_record_name(target: Path) -> str:
    """The record of what fugi wrote into an output folder (fugi.build.reuse), by the folder's absolute path."""
    return hashlib.sha256(str(target).encode()).hexdigest()[:20]
