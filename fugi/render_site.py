"""The public archive: model -> Markdown pages (Jinja, templates/site/) -> MkDocs Material -> Pagefind index.

Only published agenda items and public meetings are read; drafts and non-public items never reach a page,
a download, the open data or the search index.
"""
from __future__ import annotations

import json
import logging
import re
import shutil
import subprocess
import tempfile
from collections import defaultdict
from pathlib import Path

import jinja2
from markupsafe import Markup

from . import export
from . import model as m
from .public import public_archive
from .present import (attendees_text, basis_text, checklist_heading, departments_text, group_label, meeting_date,
                      meeting_when, sheet_table)
from .site_markup import anchor, finalize, plain, render_markdown, text, url

REPO = Path(__file__).resolve().parents[1]
CONFIG_FILE = REPO / "mkdocs.yml"
TEMPLATES = REPO / "templates" / "site"
CATEGORY_SLUGS = {"電算処理": "densan-shori", "外部結合": "gaibu-ketsugo", "業務委託": "gyomu-itaku", "再委託": "sai-itaku"}
BODY_HEADING_OFFSET = 2  # `## 1 概要` in 事業内容 sits under the page's h2/h3


def write_site(archive: m.Archive, out_dir: Path, content_root: Path, docx_dir: Path | None = None,
               work: Path | None = None) -> list[Path]:
    """Build the site into out_dir (an empty staging folder); returns the written files, relative to out_dir."""
    return build_site(archive, out_dir, content_root, docx_dir, work=work)


def build_site(archive: m.Archive, out_dir: Path, content_root: Path, docx_dir: Path | None = None, *,
               search: str = "pagefind", config_file: Path = CONFIG_FILE, work: Path | None = None) -> list[Path]:
    """search="pagefind" (the product) or "material" (the theme's own search; the benchmark compares them).

    The pages are generated into `work` (a scratch folder of the build; a temporary folder if not given)."""
    out_dir = Path(out_dir).resolve()
    with tempfile.TemporaryDirectory(prefix="fugi-docs-", dir=work) as tmp:
        docs = Path(tmp) / "docs"
        docs.mkdir()
        config = mkdocs_config(docs, out_dir, search, config_file)
        generate_docs(archive, docs, Path(content_root), docx_dir, site_url=config.site_url or "",
                      site_name=config.site_name)
        run_mkdocs(config)
    if search == "pagefind":
        run_pagefind(out_dir)
    return sorted(p.relative_to(out_dir) for p in out_dir.rglob("*") if p.is_file())


# ---------------------------------------------------------------------------
# MkDocs and Pagefind


def mkdocs_config(docs: Path, site: Path, search: str = "pagefind", config_file: Path = CONFIG_FILE):
    """The repo's mkdocs.yml with docs_dir/site_dir pointed at the generated pages and the staging folder."""
    from mkdocs.config import load_config

    overrides = {"docs_dir": str(docs), "site_dir": str(site), "strict": True, "hooks": []}
    if search == "material":
        overrides["plugins"] = [{"search": {"lang": "ja"}}]
    elif search != "pagefind":
        raise ValueError(f"unknown search engine {search!r}")
    return load_config(str(config_file), **overrides)


def run_mkdocs(config) -> None:
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort

    mkdocs_log = logging.getLogger("mkdocs")
    level = mkdocs_log.level
    if level == logging.NOTSET:
        mkdocs_log.setLevel(logging.WARNING)  # MkDocs' INFO lines are noise in `build.py site`
    try:
        build(config)
    except Abort as err:
        raise RuntimeError(f"MkDocs のビルドに失敗しました: {err}") from err
    finally:
        mkdocs_log.setLevel(level)


def pagefind_binary() -> Path:
    """The extended Pagefind binary (it segments Japanese); the plain one would index 日本語 as one word."""
    try:
        from pagefind_bin_extended import get_executable
    except ImportError as err:  # pragma: no cover - environment problem
        raise RuntimeError("Pagefind (extended) がありません: pip install 'pagefind[extended]'") from err
    return Path(get_executable())


def run_pagefind(site: Path) -> None:
    """Index the built site; the bundle lands in site/pagefind/ and is served with the site."""
    command = [str(pagefind_binary()), "--site", str(site), "--force-language", "ja", "--quiet"]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0 or not (Path(site) / "pagefind" / "pagefind.js").is_file():
        raise RuntimeError(f"Pagefind の索引づくりに失敗しました:\n{result.stdout}\n{result.stderr}")


# ---------------------------------------------------------------------------
# Pages


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        finalize=finalize,  # every printed value is escaped for HTML and neutralised for Markdown
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(url=url, text=text, hid=heading_id, hid_attr=block_id, slugs=CATEGORY_SLUGS,
                       categories=m.SHEET_CATEGORIES)
    env.filters["title_yaml"] = title_yaml
    return env


def heading_id(ident: str, ignore: bool = False) -> Markup:
    """attr_list `{#id}` for a Markdown heading (written from Python: `{#` opens a Jinja comment);
    ignore=True keeps a heading that every item shares out of the search index."""
    return Markup("{: #%s%s }" % (anchor(ident), ' data-pagefind-ignore=""' if ignore else ""))


def block_id(ident: str) -> Markup:
    """attr_list line giving the preceding block (a list item) an id, e.g. the 審議事項 #item-5."""
    return Markup("{: #%s }" % anchor(ident))


def title_yaml(value) -> Markup:
    """A page title for the front matter: HTML-escaped (the theme prints it raw), as a JSON/YAML string."""
    return Markup(json.dumps(plain(value), ensure_ascii=False))


class Pages:
    """Writes the generated docs folder."""

    def __init__(self, docs: Path):
        self.docs, self.env, self.written = docs, environment(), []

    def write(self, rel: str, template: str, **context) -> None:
        depth = rel.count("/")
        page = self.env.get_template(template).render(root="../" * depth, **context)
        path = self.docs / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page, encoding="utf-8")
        self.written.append(path)


def generate_docs(archive: m.Archive, docs: Path, content_root: Path, docx_dir: Path | None = None,
                  site_url: str = "", site_name: str = "") -> list[Path]:
    """Every page of the site as Markdown, plus the files the pages link to (downloads, images, open data).

    Everything here is made from the public view of the archive (fugi.public), Word downloads included."""
    archive = public_archive(archive)
    agendas = sorted(archive.agendas, key=agenda_order)
    meetings = sorted(archive.meetings, key=meeting_order)
    downloads = public_downloads(archive, content_root, docx_dir, docs)
    images = copy_images(agendas, content_root, docs)
    export.write_open_data(archive, docs / "data", site_url, site_name)
    rows = {a.id: agenda_row(a) for a in agendas}
    pages = Pages(docs)

    latest = next((mt for mt in meetings if mt.date is not None), meetings[0] if meetings else None)
    pages.write("index.md", "home.md.j2", latest=meeting_context(latest, downloads) if latest else None,
                counts=counts(agendas, meetings))
    pages.write("meetings/index.md", "meetings.md.j2", years=meetings_by_year(meetings))
    for meeting in meetings:
        pages.write(f"meetings/{meeting.id}.md", "meeting.md.j2", meeting=meeting_context(meeting, downloads),
                    year_id=year_anchor(meeting))
    pages.write("agendas/index.md", "agendas.md.j2", rows=[rows[a.id] for a in agendas])
    for agenda in agendas:
        pages.write(f"agendas/{agenda.id}.md", "agenda.md.j2",
                    item=agenda_context(agenda, downloads.get(("agendas", agenda.id), []), images.get(agenda.id)))
    for rel, title, intro, groups in browse_pages(agendas, rows):
        pages.write(rel, "browse.md.j2", title=title, intro=intro, groups=groups)
    pages.write("browse/index.md", "browse_index.md.j2", counts=counts(agendas, meetings))
    pages.write("catalog.md", "catalog.md.j2", checklists=[catalog_context(c) for c in catalog_order(archive)])
    pages.write("data/index.md", "data.md.j2", fields=export.FIELDS, count=len(export.records(archive, site_url)),
                list_sep=export.LIST_SEP)
    return pages.written


def agenda_order(agenda: m.Agenda):
    meeting = export.visible_meeting(agenda)
    year = export.year_of(meeting)[0]
    date = meeting.date.toordinal() if meeting and meeting.date else 0
    return (-year, -date, int(agenda.number) if agenda.number.isdigit() else 0, agenda.id)


def meeting_order(meeting: m.Meeting):
    return (meeting.date is None, -(meeting.date.toordinal() if meeting.date else 0), -meeting.number, meeting.id)


def catalog_order(archive: m.Archive):
    return sorted(archive.catalog.values(), key=lambda c: (c.number, c.category))


# ---------------------------------------------------------------------------
# Files the pages link to


def public_downloads(public: m.Archive, content_root: Path, docx_dir: Path | None, docs: Path) -> dict:
    """Word files rendered from the public view -> docs/downloads/<kind>/<id>.docx, with their PDFs.

    The Word files are never copied from the clerks' build (a meeting's Word there names unpublished items);
    a PDF is taken from `docx_dir` only when it was made from a Word file identical to the public one."""
    from .render_docx import agenda_docx, meeting_docx

    found = defaultdict(list)
    documents = [("agendas", a.id, lambda a=a: agenda_docx(a, content_root)) for a in public.agendas]
    documents += [("meetings", mt.id, lambda mt=mt: meeting_docx(mt)) for mt in public.meetings]
    for kind, ident, render in documents:
        data = render()
        target = docs / "downloads" / kind / f"{ident}.docx"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        found[(kind, ident)].append({"label": "Word (.docx)", "path": f"downloads/{kind}/{ident}.docx",
                                     "size": human_size(len(data))})
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


def copy_images(agendas, content_root: Path, docs: Path) -> dict:
    """The 個人情報の流れ figure of each published item -> docs/images/<id>/<file>."""
    found = {}
    for agenda in agendas:
        flow = agenda.data_flow
        if flow is None or not flow.image:
            continue
        source = Path(content_root) / flow.image
        if source.is_file():
            target = docs / "images" / agenda.id / source.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            found[agenda.id] = f"images/{agenda.id}/{source.name}"
    return found


# ---------------------------------------------------------------------------
# Template contexts


def meeting_summary(meeting):
    if meeting is None:
        return None
    return {"id": meeting.id, "title": meeting.title, "number": meeting.number,
            "date": meeting_date(meeting),
            "year": export.year_of(meeting)[1]}


def agenda_row(agenda: m.Agenda) -> dict:
    """What a list shows of an item."""
    meeting = export.visible_meeting(agenda)
    item = export.deliberation_of(agenda)
    return {
        "id": agenda.id,
        "title": agenda.title,
        "number": agenda.number,
        "categories": list(agenda.sheet_categories),
        "sections": export.section_names(agenda),
        "meeting": meeting_summary(meeting),
        "item_number": item.number if item else None,
        "decision": export.decision_of(agenda),
        "year": export.year_of(meeting)[1],
    }


def counts(agendas, meetings) -> dict:
    by_category = {c: sum(1 for a in agendas if c in a.sheet_categories) for c in m.SHEET_CATEGORIES}
    years = sorted({export.year_of(mt) for mt in meetings if mt.date}, reverse=True)
    return {"agendas": len(agendas), "meetings": len(meetings), "by_category": by_category,
            "years": [label for _, label in years],
            "decisions": sum(len(mt.items) for mt in meetings)}


def meetings_by_year(meetings) -> list:
    groups = defaultdict(list)
    for meeting in meetings:
        groups[export.year_of(meeting)].append(meeting)
    result = []
    for (year, label), items in sorted(groups.items(), key=lambda kv: (kv[0][0] < 0, -kv[0][0])):
        rows = [dict(meeting_summary(mt), place=mt.place, when=meeting_when(mt), items=len(mt.items),
                     decisions=decision_counts(mt)) for mt in items]
        result.append({"id": year_anchor(items[0]), "label": label, "meetings": rows})
    return result


def year_anchor(meeting) -> str:
    year = export.year_of(meeting)[0]
    return f"fy{year}" if year > 0 else "unknown"


def decision_counts(meeting) -> str:
    tally = defaultdict(int)
    for item in meeting.items:
        tally[item.decision or export.UNKNOWN] += 1
    return "、".join(f"{k} {v}件" for k, v in tally.items())


def meeting_context(meeting: m.Meeting, downloads: dict) -> dict:
    remarks = [{"number": g.item_number,
                "remarks": [{"speaker": r.speaker, "text": list(r.text)} for r in g.remarks]} for g in meeting.remarks]
    items = []
    for item in meeting.items:
        linked = export.public_link(item)
        items.append({"number": item.number, "title": export.deliberation_title(item),
                      "decision": item.decision or export.UNKNOWN, "agenda_id": linked.id if linked else None,
                      "agenda_number": linked.number if linked else None})
    return {
        **meeting_summary(meeting),
        "council": meeting.council,
        "when": meeting_when(meeting),
        "place": meeting.place,
        "attendees": attendees_text(meeting),
        "basis_text": meeting.basis_text,
        "items": items,
        "advice_title": meeting.advice_title,
        "advice_intro": meeting.advice_intro,
        "advice_html": render_markdown(meeting.advice) if meeting.advice.strip() else None,
        "remarks": remarks,
        "downloads": downloads.get(("meetings", meeting.id), []),
    }


def row_state(row: m.ChecklistRow) -> str:
    if row.added:
        return "added"
    if row.differs:
        return "differs"
    if row.mark == "－":
        return "not-needed"
    return "standard"


def checklist_context(checklist: m.Checklist) -> dict:
    halves, tally = [], defaultdict(int)
    for half in checklist.halves:
        groups = []
        for group in half.groups:
            rows = []
            for row in group.rows:
                state = row_state(row)
                if state != "standard":
                    tally[state] += 1
                if row.mark == "－" and state != "not-needed":
                    tally["not-needed"] += 1
                rows.append({"mark": row.mark, "text": row.text, "standard": row.standard, "state": state,
                             "position": row.position, "not_needed": row.mark == "－"})
            groups.append({"label": group_label(half.heading, group.name), "rows": rows})
        halves.append({"key": half.key, "heading": half.heading, "legend": checklist.legend_of(half), "groups": groups})
    return {"category": checklist.category, "heading": checklist_heading(checklist),
            "subtitle": checklist.subtitle, "column": checklist.column, "halves": halves,
            "anchor": f"checklist-{CATEGORY_SLUGS.get(checklist.category, anchor(checklist.category))}",
            "deviations": dict(tally), "deviation_total": sum(tally.values())}


def catalog_context(entry: m.CatalogChecklist) -> dict:
    halves = []
    for key in m.HALVES:
        half = entry.halves[key]
        groups = [{"label": group_label(half.heading, name), "rows": list(sentences)} for name, sentences in half.groups.items()]
        halves.append({"key": key, "heading": half.heading, "groups": groups})
    return {"category": entry.category, "heading": checklist_heading(entry), "subtitle": entry.subtitle,
            "column": entry.column, "legend": entry.legend, "halves": halves,
            "anchor": CATEGORY_SLUGS.get(entry.category, anchor(entry.category))}


def agenda_context(agenda: m.Agenda, downloads: list, image: str | None) -> dict:
    meeting = export.visible_meeting(agenda)
    item = export.deliberation_of(agenda)
    overview = agenda.overview
    sheets = [{"category": s.category, "title": s.title, "rows": sheet_table(s),
               "anchor": f"sheet-{CATEGORY_SLUGS.get(s.category, anchor(s.category))}"} for s in agenda.sheets]
    checklists = [checklist_context(c) for c in agenda.checklists]
    partners = export.partners_by_role(agenda)
    return {
        "id": agenda.id,
        "title": agenda.title,
        "number": agenda.number,
        "status": export.STATUS_LABELS[agenda.status],
        "basis_text": basis_text(agenda),
        "departments_text": departments_text(agenda),
        "categories": list(agenda.sheet_categories),
        "sections": export.section_names(agenda),
        "partners": [(role, names) for role, names in partners.items() if names],
        "overview": {"name": overview.name, "sections": "、".join(overview.sections), "purpose": overview.purpose,
                     "target": overview.target},
        "body_html": render_markdown(overview.body, BODY_HEADING_OFFSET),
        "sheets": sheets,
        "flow": {"number": agenda.flow_number, "title": agenda.data_flow.title, "image": image}
        if agenda.data_flow is not None else None,
        "info": info_context(agenda) if agenda.info_items is not None else None,
        "checklists": checklists,
        "deviation_total": sum(c["deviation_total"] for c in checklists),
        "meeting": meeting_summary(meeting),
        "item_number": item.number if item else None,
        "decision": export.decision_of(agenda),
        "year": export.year_of(meeting)[1],
        "downloads": downloads,
    }


def info_context(agenda: m.Agenda) -> dict:
    info = agenda.info_items
    return {"number": agenda.items_number, "title": info.title,
            "groups": [{"heading": g.heading, "text": "、".join(g.items)} for g in info.groups],
            "numbered": list(info.numbered), "notes": list(info.notes)}


def browse_pages(agendas, rows: dict):
    """(path, title, intro, groups) of the 区分 / 担当課 / 相手方 / 年度 pages; each group lists item rows."""
    by_category = [{"id": CATEGORY_SLUGS[c], "heading": c, "note": "",
                    "rows": [rows[a.id] for a in agendas if c in a.sheet_categories]} for c in m.SHEET_CATEGORIES]
    yield ("browse/category.md", "区分別の付議事項",
           "別紙の区分（電算処理・外部結合・業務委託・再委託）ごとの付議事項です。1件が複数の区分に載ることがあります。",
           by_category)

    departments = defaultdict(list)
    bu_of = {}
    for agenda in agendas:
        for dep in agenda.departments:
            for ka in dep.ka:
                departments[ka].append(rows[agenda.id])
                bu_of.setdefault(ka, dep.bu)
    taken = set()
    yield ("browse/department.md", "担当課別の付議事項", "担当部課ごとの付議事項です（課の名前順）。",
           [{"id": anchor(ka, taken), "heading": ka, "note": bu_of[ka], "rows": items}
            for ka, items in sorted(departments.items(), key=lambda kv: (bu_of[kv[0]], kv[0]))])

    partners = defaultdict(lambda: defaultdict(list))
    for agenda in agendas:
        for role, name in agenda.partners:
            if rows[agenda.id] not in partners[name][role]:
                partners[name][role].append(rows[agenda.id])
    taken = set()
    groups = []
    for name in sorted(partners, key=partner_sort_key):
        roles = partners[name]
        seen, merged = set(), []
        for role in export.PARTNER_ROLES:
            for row in roles.get(role, []):
                if row["id"] not in seen:
                    seen.add(row["id"])
                    merged.append(row)
        groups.append({"id": anchor(name, taken), "heading": name, "note": "・".join(r for r in export.PARTNER_ROLES if roles.get(r)),
                       "rows": merged})
    yield ("browse/partner.md", "相手方別の付議事項",
           "委託先・再委託先・結合の相手方ごとの付議事項です（名称順）。", groups)

    years = defaultdict(list)
    for agenda in agendas:
        years[export.year_of(export.visible_meeting(agenda))].append(rows[agenda.id])
    yield ("browse/year.md", "年度別の付議事項",
           "審議した会議の年度ごとの付議事項です。審議した会議が分からない付議事項は「年度不明」に載せています。",
           [{"id": f"fy{year}" if year > 0 else "unknown", "heading": label, "note": "", "rows": items}
            for (year, label), items in sorted(years.items(), key=lambda kv: (kv[0][0] < 0, -kv[0][0]))])


def partner_sort_key(name: str):
    """株式会社 Box Japan sorts under B, not under 株."""
    bare = re.sub(r"^(株式会社|有限会社|一般社団法人|公益社団法人|一般財団法人|公益財団法人)\s*", "", name)
    return (bare.casefold(), name)


# ---------------------------------------------------------------------------
# `mkdocs build` straight from mkdocs.yml (fugi/mkdocs_hooks.py): the same pages, from content/


class HookBuild:
    """State of a plain `mkdocs build`: generate the pages in on_config, index them in on_post_build."""

    def __init__(self):
        self.tmp = None

    def on_config(self, config):
        from .pipeline import checked_archive

        root = Path(config.config_file_path).resolve().parent
        archive = checked_archive(root / "content")
        self.cleanup()
        self.tmp = tempfile.TemporaryDirectory(prefix="fugi-docs-")
        docs = Path(self.tmp.name) / "docs"
        docs.mkdir()
        docx = root / "build" / "docx"
        generate_docs(archive, docs, root / "content", docx if docx.is_dir() else None,
                      site_url=config.site_url or "", site_name=config.site_name)
        config.docs_dir = str(docs)
        return config

    def on_post_build(self, config):
        if "material/search" not in config.plugins:
            run_pagefind(Path(config.site_dir))
        self.cleanup()

    def cleanup(self, *args, **kwargs):
        if self.tmp is not None:
            self.tmp.cleanup()
            self.tmp = None
