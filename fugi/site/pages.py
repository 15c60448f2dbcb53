"""The site's pages: Markdown written from Jinja templates (templates/site/) and the files they link to."""
from __future__ import annotations

import json
import re
import pickle
import shutil
from collections import defaultdict
from pathlib import Path

import jinja2
from markupsafe import Markup

from fugi.export import open_data as export
from fugi.build.cache import loads_data
from fugi.build.keys import Keys, info_page_key, known_page_key, site_item_key
from fugi import model as m
from fugi.views.public import public_archive
from fugi.review.findings import public_review
from fugi.views import printed as v
from fugi.views.printed import Views, catalog_view, labels as form_labels
from fugi.site import context as c
from fugi.site.failures import TemplateFailure
from fugi.site.info_items import PAGE as INFO_PAGE, info_items_context
from fugi.site.feeds import write_feeds
from fugi.site.markup import anchor, finalize, plain, text, url
from fugi.site.accessibility import PAGE as ACCESSIBILITY_PAGE, accessibility_context
from fugi.forms.licences import licence
from fugi.site.speed.share import SPLIT_THRESHOLD, both, can_fork, split
from fugi.resources import Templates


def environment(templates: Templates | None = None) -> jinja2.Environment:
    """The pages' Jinja environment: a template is looked up in the council's templates/site/ first, then in the
    shipped one (templates: the build's fugi.resources.Templates; the shipped set when not given)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(folder) for folder in (templates or Templates()).site_dirs()]),
        autoescape=True,
        finalize=finalize,  # every printed value is escaped for HTML and neutralised for Markdown
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(url=url, text=text, hid=heading_id, hid_attr=block_id)
    env.filters["title_yaml"] = title_yaml
    return env


_DOCUMENT_PAGE = re.compile(r"(agendas|meetings)/(?!index\.md)[a-z0-9][a-z0-9-]*\.md")


def dated(rel: str, page: str, updated: str) -> str:
    """The page with its update date in its front matter (`fugi_updated`, shown in the footer): an item's or a
    meeting's page gives its meeting's date itself (none when no meeting has heard the item); every other page the
    newest meeting's date.  In the front matter, not the theme's settings: a page MkDocs keeps from an earlier
    build (fugi.site.speed) changes when its date does."""
    if not updated or _DOCUMENT_PAGE.fullmatch(rel) or not page.lstrip().startswith("---"):
        return page
    head, sep, rest = page.partition("---\n")
    return f"{head}{sep}fugi_updated: {title_yaml(updated)}\n{rest}" if "fugi_updated:" not in rest.split("---", 1)[0] else page


def heading_id(ident: str, ignore: bool = False) -> Markup:
    """attr_list `{#id}` for a Markdown heading (written from Python: `{#` opens a Jinja comment);
    ignore=True keeps a heading that every item shares out of the search index."""
    return Markup("{: #%s%s }" % (anchor(ident), ' data-pagefind-ignore=""' if ignore else ""))


def block_id(ident: str) -> Markup:
    """attr_list line giving the preceding block (a list item) an id, e.g. the deliberated item #item-5."""
    return Markup("{: #%s }" % anchor(ident))


def title_yaml(value) -> Markup:
    """A page title for the front matter: HTML-escaped (the theme prints it raw), as a JSON/YAML string."""
    return Markup(json.dumps(plain(value), ensure_ascii=False))


class Pages:
    """Writes the generated docs folder; every page gets the labels of the forms and the category ids.

    With a memo (fugi.site.speed.incremental.PageMemo), a page whose template, place and context are those of an
    earlier build is taken from it instead of rendered again (rendering is the costly part of a build)."""

    def __init__(self, docs: Path, forms, stash=None, memo=None, updated: str = "", templates: Templates | None = None):
        labels = form_labels(forms)
        self.updated = updated  # the newest meeting's date: the update date of the pages that are not one document's
        shared = {"site_updated": updated, "L": labels, "slugs": c.category_ids(forms), "categories": labels.categories,
                  "year_label": c.YEAR, "search_examples": forms.site["検索の例"],
                  "glossary": {entry["用語"]: anchor(entry["用語"]) for entry in forms.glossary}}
        self.templates = templates or Templates()
        self.docs, self.env, self.written, self.stash, self.memo = docs, environment(self.templates), [], stash, memo
        self.env.globals.update(shared)  # globals reach imported macros too
        self.shared = None
        if memo is not None:
            self.env.bytecode_cache = memo.bytecode_cache()  # the templates compiled once, not on every build
            shared_bytes = memo.fingerprint(shared)
            # a page kept with its raw HTML stashed (fugi.site.speed.stash) is not the page kept without: the key says which
            self.shared = shared_bytes + (b"stash" if stash is not None else b"") if shared_bytes else None

    def write(self, rel: str, template: str, **context) -> None:
        key = self.memo.key(self.shared, rel, template, context) if self.memo is not None and self.shared else None
        self._write(rel, template, key, lambda: context)

    def write_keyed(self, rel: str, template: str, known: str, context) -> None:
        """A page whose inputs are known by `known` (a digest of what they are made from): its context (a function
        that makes it) is made only when the page must be rendered."""
        key = known_page_key(self.shared, rel, template, known) if self.memo is not None and self.shared else None
        self._write(rel, template, key, context)

    def _write(self, rel: str, template: str, key: str | None, context) -> None:
        kept = self.memo.get(key) if key else None
        if kept is None:
            page, blocks = self.render(rel, template, context()), {}
            if self.stash is not None:
                page, blocks = self.stash.split(page)  # raw HTML blocks skip Python-Markdown (fugi.site.speed.stash)
            if key:
                self.memo.put(key, json.dumps([page, blocks], ensure_ascii=False))
        else:
            page, blocks = json.loads(kept)
        if self.stash is not None:
            self.stash.blocks.update(blocks)
        path = self.docs / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page, encoding="utf-8")
        self.written.append(path)

    def each(self, write, documents: list) -> dict:
        """{document id: write(document)} for documents whose pages `write` writes with this object; with many of
        them and two cores, a forked process does 3 in 5 (its pages and memo entries land in the same folders;
        its results, the files it wrote and the blocks it stashed come back)."""
        from fugi.build.jobs import jobs

        if not can_fork(jobs()) or len(documents) < SPLIT_THRESHOLD:
            return {one.id: write(one) for one in documents}
        theirs, mine = split(documents)

        def there():
            self.written, used = [], set()
            if self.stash is not None:
                self.stash.blocks = {}
            if self.memo is not None:
                self.memo.used = used
            return {one.id: write(one) for one in theirs}, self.written, self.stash.blocks if self.stash else {}, used

        done, (their_done, written, blocks, used) = both(lambda: {one.id: write(one) for one in mine}, there)
        self.written += written
        if self.stash is not None:
            self.stash.blocks.update(blocks)
        if self.memo is not None:
            self.memo.used |= used
        return {**done, **their_done}

    def render(self, rel: str, template: str, context: dict) -> str:
        depth = rel.count("/")
        try:
            served = depth + (0 if rel == "index.md" or rel.endswith("/index.md") else 1)  # a.md -> a/index.html
            return dated(rel, self.env.get_template(template).render(root="../" * depth, page_root="../" * served,
                                                                    **context), self.updated)
        except jinja2.TemplateSyntaxError as err:
            raise TemplateFailure(shown_template(self.templates, err.name or template, err.filename),
                                  err.lineno or 1, err.message or str(err))
        except jinja2.TemplateError as err:
            line, filename = template_line(err)
            raise TemplateFailure(shown_template(self.templates, template, filename), line, str(err))


def shown_template(templates: Templates, name: str, filename: str | None) -> str:
    """A page template as a problem names it: the council's file as the clerk reaches it, or templates/site/<name>."""
    if filename and templates.is_own(filename):
        from fugi.build.outputs import shown

        return shown(Path(filename))
    return f"templates/site/{name}"


def template_line(err: Exception) -> tuple:
    """(the template line, the template file) of a Jinja error raised while rendering (the innermost template frame)."""
    tb, line, filename = err.__traceback__, 1, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".j2"):
            line, filename = tb.tb_lineno, tb.tb_frame.f_code.co_filename
        tb = tb.tb_next
    return line, filename


def generate_docs(archive: m.Archive, docs: Path, content_root: Path, docx_dir: Path | None = None,
                  site_url: str = "", site_name: str = "", stash=None, files: dict | None = None,
                  view=public_archive, memo=None, public: m.Archive | None = None, views: Views | None = None,
                  keys: Keys | None = None, templates: Templates | None = None) -> list[Path]:
    """Every page of the site as Markdown, plus the files the pages link to (downloads, images, open data).

    Everything here is made from the public view of the archive (fugi.views.public), Word downloads included; only
    `build.py serve` passes another view (fugi.views.preview_marks: everything, marked, never published).
    What the build made already is passed down, not made again: `public` (view(archive)), `views` (its printed
    views, fugi.views.printed.Views) and `keys` (the Word keys of that scope, fugi.build.keys.Keys); `templates`
    (fugi.resources.Templates: the council's templates/ over the shipped ones) is the keys', else content_root's."""
    if isinstance(site_name, Markup):  # config.site_name is escaped for the theme (site/build.py); feeds escape their own way
        site_name = site_name.unescape()
    checked, archive = archive, public if public is not None else view(archive)
    templates = templates or (keys.templates if keys is not None else Templates.of(content_root))
    views = views if views is not None else Views(archive)
    forms = archive.forms
    labels = form_labels(forms)
    agendas = sorted(archive.agendas, key=c.agenda_order)
    meetings = sorted(archive.meetings, key=c.meeting_order)
    downloads = public_downloads(archive, content_root, docx_dir, docs, files, templates)
    images = copy_images(agendas, content_root, docs, forms)
    # each item's page context, list row and review; with a memo of the public site, the row and the review of an
    # item whose sources did not change are taken from it, and its page context is made only if its page must be
    items = ItemMemo(memo, keys or Keys(checked, content_root, "public", templates)) if memo is not None and view is public_archive else None
    dated_meetings = [mt for mt in meetings if mt.date is not None]
    newest = max(dated_meetings, key=lambda mt: mt.date) if dated_meetings else None
    pages = Pages(docs, forms, stash, memo, updated=v.meeting_date(newest) if newest else "", templates=templates)

    def item(agenda):
        """An item's (list row, review, key) with its page written: the row and review from the item memo when its
        key is known there, its page context made only if its page must be rendered."""
        found, image = downloads.get(("agendas", agenda.id), []), images.get(agenda.id)
        key = items.key(agenda.id, found, image) if items else None
        kept = items.get(key) if key else None
        made = {}
        if kept is None:
            made = c.agenda_context(agenda, forms, found, image, views, memo)
            made["review"] = public_review(agenda, archive)
            kept = (c.agenda_row(made), made["review"])
            if key:
                items.put(key, kept)

        def page_context():
            if not made:
                made.update(c.agenda_context(agenda, forms, found, image, views, memo), review=kept[1])
            return {"item": made}

        if key:
            pages.write_keyed(f"agendas/{agenda.id}.md", "agenda.md.j2", key, page_context)
        else:
            pages.write(f"agendas/{agenda.id}.md", "agenda.md.j2", **page_context())
        return (*kept, key)

    done = pages.each(item, agendas)
    rows = {ident: row for ident, (row, _, _) in done.items()}
    reviews = {ident: review for ident, (_, review, _) in done.items()}
    known = {ident: key for ident, (_, _, key) in done.items()}

    decisions = export.records(archive, site_url, reviews)
    export.write_open_data(archive, docs / "data", site_url, site_name, decisions)
    write_feeds(archive, docs, site_url, site_name)
    (docs / "assets" / "fugi").mkdir(parents=True, exist_ok=True)
    (docs / "assets" / "fugi" / "labels.css").write_text(c.card_labels_css(labels), encoding="utf-8")
    latest = next((mt for mt in meetings if mt.date is not None), meetings[0] if meetings else None)
    totals = c.counts(archive)
    pages.write("index.md", "home.md.j2", latest=c.meeting_context(latest, forms, downloads, views, memo) if latest else None,
                counts=totals)
    parts, links, year_files = c.meeting_pages(meetings, forms)
    starts = [{"id": year["id"], "heading": year["label"], "count": len(year["meetings"]), "file": link["file"],
               "here": link["number"] == 1} for part, link in zip(parts, links) for year in part if year["first"]]
    for part, link in zip(parts, links):
        pages.write(link["file"], "meetings.md.j2", years=part, numbered=any(mt.number is not None for mt in meetings),
                    pager=links, here=link, contents=starts if len(parts) > 1 and link["number"] == 1 else [])
    for meeting in meetings:
        year_id = c.year_anchor(meeting)
        pages.write(f"meetings/{meeting.id}.md", "meeting.md.j2",
                    meeting=c.meeting_context(meeting, forms, downloads, views, memo), year_id=year_id,
                    year_file=year_files[year_id])
    listed = c.split_rows([rows[a.id] for a in agendas])
    links = c.pager("agendas/index.md", [len(part) for part in listed])
    for part, link in zip(listed, links):
        pages.write(link["file"], "agendas.md.j2", rows=part, total=len(agendas), pager=links, here=link)
    for rel, title, intro, groups in c.browse_pages(archive, agendas, rows, labels):
        parts = c.split_groups(groups)
        links = c.pager(rel, [sum(len(g["rows"]) for g in part) for part in parts])
        # where each group starts: the first page lists them all (its #id links there when the group is later)
        sizes = {g["id"]: len(g["rows"]) for g in groups}
        starts = [{"id": g["id"], "heading": g["heading"], "count": sizes[g["id"]], "file": link["file"],
                   "here": link["number"] == 1} for part, link in zip(parts, links) for g in part if g["first"]]
        for part, link in zip(parts, links):
            pages.write(link["file"], "browse.md.j2", title=title, intro=intro, groups=part, pager=links, here=link,
                        contents=starts if len(parts) > 1 and link["number"] == 1 else [])
    pages.write("browse/index.md", "browse_index.md.j2", counts=totals)
    if not labels.info_items:
        pass  # a council whose items list no information items has no page to find them by
    elif items is not None:  # made from the items' rows and reviews and the vocabulary: what their keys cover
        pages.write_keyed(INFO_PAGE, "info_items.md.j2", info_page_key([known[a.id] for a in agendas]),
                          lambda: info_items_context(archive, agendas, rows, reviews))
    else:
        pages.write(INFO_PAGE, "info_items.md.j2", **info_items_context(archive, agendas, rows, reviews))
    if forms.has_checklists:  # a council without checklists has no catalog page
        pages.write("catalog.md", "catalog.md.j2", checklists=[catalog_view(e, forms) for e in c.catalog_order(archive)])
    pages.write(ACCESSIBILITY_PAGE, "accessibility.md.j2", **accessibility_context(forms, content_root))
    if forms.glossary:
        pages.write("glossary.md", "glossary.md.j2", entries=[dict(e, id=anchor(e["用語"])) for e in forms.glossary])
    pages.write("data/index.md", "data.md.j2", fields=export.fields(forms),
                deviations=export.DEVIATIONS if forms.has_checklists else "", sensitive=export.SENSITIVE,
                sensitive_classes=[c.name for c in (archive.vocabulary.classes if archive.vocabulary else ()) if c.sensitive],
                count=len(decisions), list_sep=export.LIST_SEP, terms=licence(forms.site["ライセンス"]),
                terms_column=export.LICENCE_COLUMN)
    return pages.written


class ItemMemo:
    """Each published item's list row and review kept in the page memo under a digest of what they are made from:
    the item's public Word key (fugi.build.keys.Keys: its file, the meetings that name it and their items, the rest
    of content/, fugi's code; the public view of the item is made from no more) with its downloads and figure."""

    def __init__(self, memo, keys: Keys):
        self.memo, self.keys = memo, keys

    def key(self, agenda_id: str, downloads: list, image: str | None) -> str:
        return site_item_key(self.keys.agenda(agenda_id), downloads, image)

    def get(self, key: str):
        data = self.memo.get_data(key)  # sealed by this machine's key (PageMemo.get_data checks it)
        try:
            return loads_data(data) if data is not None else None
        except Exception:  # noqa: BLE001 - not data after all: made again
            return None

    def put(self, key: str, value) -> None:
        self.memo.put_data(key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def generate_some(archive: m.Archive, docs: Path, content_root: Path, only: set, stash=None,
                  files: dict | None = None, view=public_archive, memo=None, templates: Templates | None = None) -> None:
    """Only the pages of the documents in `only` ({(kind, id)}) and their downloads, as generate_docs writes them:
    `build.py serve` shows the saved item at once and regenerates the lists right after."""
    archive = view(archive)
    forms = archive.forms
    agendas = [a for a in archive.agendas if ("agendas", a.id) in only]
    meetings = [mt for mt in archive.meetings if ("meetings", mt.id) in only]
    subset = m.Archive(agendas, meetings, archive.catalog, forms)
    templates = templates or Templates.of(content_root)
    downloads = public_downloads(subset, content_root, None, docs, files, templates)
    images = copy_images(agendas, content_root, docs, forms)
    pages, views = Pages(docs, forms, stash, memo, templates=templates), Views(archive)
    year_files = c.meeting_pages(sorted(archive.meetings, key=c.meeting_order), forms)[2]  # the list's pages as built
    for meeting in meetings:
        year_id = c.year_anchor(meeting)
        pages.write(f"meetings/{meeting.id}.md", "meeting.md.j2",
                    meeting=c.meeting_context(meeting, forms, downloads, views, memo), year_id=year_id,
                    year_file=year_files[year_id])
    for agenda in agendas:
        item = c.agenda_context(agenda, forms, downloads.get(("agendas", agenda.id), []), images.get(agenda.id), views,
                                memo)
        item["review"] = public_review(agenda, archive)
        pages.write(f"agendas/{agenda.id}.md", "agenda.md.j2", item=item)


# ---------------------------------------------------------------------------
# Files the pages link to


def public_downloads(public: m.Archive, content_root: Path, docx_dir: Path | None, docs: Path,
                     files: dict | None = None, templates: Templates | None = None) -> dict:
    """Word files rendered from the public view -> docs/downloads/<kind>/<id>.docx, with their PDFs.

    `files` ({"docx": {(kind, id): bytes}, "pdf": {…}}, made by fugi.build.documents from the public view) gives them
    ready-made.  Otherwise the Word files are rendered here, never copied from the clerks' build (a meeting's
    Word there names unpublished items); a PDF is taken from `docx_dir` only when it was made from a Word
    file identical to the public one."""
    from fugi.word.render_docx import agenda_docx, meeting_docx

    found = defaultdict(list)
    templates = templates or Templates.of(content_root)
    documents = [("agendas", a.id, lambda a=a: agenda_docx(a, public.forms, content_root, templates=templates))
                 for a in public.agendas]
    documents += [("meetings", mt.id, lambda mt=mt: meeting_docx(mt, public.forms, templates=templates))
                  for mt in public.meetings]
    for kind, ident, render in documents:
        data = files["docx"][(kind, ident)] if files else render()
        target = docs / "downloads" / kind / f"{ident}.docx"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        found[(kind, ident)].append({"label": "Word (.docx)", "path": f"downloads/{kind}/{ident}.docx",
                                     "size": human_size(len(data))})
        if files:
            made = files["pdf"].get((kind, ident))
            if made is not None:
                target.with_suffix(".pdf").write_bytes(made)
                found[(kind, ident)].append({"label": "PDF", "path": f"downloads/{kind}/{ident}.pdf",
                                             "size": human_size(len(made))})
            continue
        if docx_dir is None:
            continue
        made, pdf = Path(docx_dir) / kind / f"{ident}.docx", Path(docx_dir) / kind / f"{ident}.pdf"
        if pdf.is_file() and made.is_file() and made.read_bytes() == data:
            shutil.copyfile(pdf, target.with_suffix(".pdf"))
            found[(kind, ident)].append({"label": "PDF", "path": f"downloads/{kind}/{ident}.pdf",
                                         "size": human_size(pdf.stat().st_size)})
    return found


def human_size(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


def copy_images(agendas, content_root: Path, docs: Path, forms) -> dict:
    """The flow figure of each published item -> docs/images/<id>/<file>; an item without one gets its drawing
    from the sheets (fugi.word.flow_picture, one `dot` run for all), docs/images/<id>/flow.svg."""
    from fugi.views.flow import flow_graph
    from fugi.word.flow_picture import pictures

    found, drawn = {}, []
    for agenda in agendas:
        flow = agenda.data_flow
        if flow is None:
            continue
        if not flow.image:
            drawn.append(agenda)
            continue
        source = Path(content_root) / flow.image
        if source.is_file():
            target = docs / "images" / agenda.id / source.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            found[agenda.id] = f"images/{agenda.id}/{source.name}"
    svgs = pictures([flow_graph(a, forms) for a in drawn], "svg", content_root) if drawn else []
    for agenda, svg in zip(drawn, svgs):
        if svg is not None:
            target = docs / "images" / agenda.id / "flow.svg"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(svg)
            found[agenda.id] = f"images/{agenda.id}/flow.svg"
    return found
