"""The site's page contexts: the view model of the public archive, grouped and ordered the way the pages list it."""
from __future__ import annotations

from collections import defaultdict

from fugi import model as m
from fugi.views import printed as v
from fugi.validate.readings import order_key, unread
from fugi.site.markup import anchor, render_markdown

YEAR = v.YEAR
BODY_HEADING_OFFSET = 2  # `## 1 概要` in the body sits under the page's h2/h3


def agenda_order(agenda: m.Agenda):
    meeting = agenda.meeting
    year = v.year_of(meeting)[0]
    date = meeting.date.toordinal() if meeting and meeting.date else 0
    return (-year, -date, int(agenda.number) if agenda.number.isdigit() else 0, agenda.id)


def meeting_order(meeting: m.Meeting):
    return (meeting.date is None, -(meeting.date.toordinal() if meeting.date else 0), -(meeting.number or 0), meeting.id)


def catalog_order(archive: m.Archive):
    return sorted(archive.catalog.values(), key=lambda c: (c.number, c.category))


ROW_KEYS = ("id", "title", "number", "number_text", "categories", "sections", "meeting", "item_number", "decision",
            "year", "kind")


def agenda_row(context: dict) -> dict:
    """What a list shows of an item (from its page context)."""
    return {key: context[key] for key in ROW_KEYS}


def counts(archive: m.Archive) -> dict:
    agendas, meetings = archive.agendas, archive.meetings
    by_category = {c.name: sum(1 for a in agendas if c.name in a.sheet_categories) for c in archive.forms.categories}
    years = sorted({v.year_of(mt) for mt in meetings if mt.date}, reverse=True)
    return {"agendas": len(agendas), "meetings": len(meetings), "by_category": by_category,
            "years": [label for _, label in years], "decisions": sum(len(mt.items) for mt in meetings)}


def year_anchor(meeting) -> str:
    year = v.year_of(meeting)[0]
    return f"fy{year}" if year > 0 else "unknown"


def decision_counts(meeting, forms) -> str:
    tally = defaultdict(int)
    for item in meeting.items:
        tally[item.decision or forms.undecided] += 1
    return "、".join(f"{k} {n}件" for k, n in tally.items())


def meetings_by_year(meetings, forms) -> list:
    groups = defaultdict(list)
    for meeting in meetings:
        groups[v.year_of(meeting)].append(meeting)
    result = []
    for (year, label), items in sorted(groups.items(), key=lambda kv: (kv[0][0] < 0, -kv[0][0])):
        rows = [dict(v.meeting_summary(mt), place=mt.place, when=v.meeting_when(mt), items=len(mt.items),
                     decisions=decision_counts(mt, forms)) for mt in items]
        result.append({"id": year_anchor(items[0]), "label": label, "meetings": rows})
    return result


def meeting_pages(meetings, forms) -> tuple[list, list, dict]:
    """The meetings list (meetings/index.md) on pages of whole years, PAGE_ROWS meetings at most unless one year has
    more (it goes on as 「（続き）」): (each page's years, the pager's links named by their years, {year id: the
    page's file where the year starts}).  A meeting's page links its year there (templates/site/meeting.md.j2)."""
    years = [dict(year, rows=year["meetings"]) for year in meetings_by_year(meetings, forms)]
    parts = split_groups(years, whole=True)
    named = []
    for part in parts:
        labels = list(dict.fromkeys(year["label"] for year in part))
        named.append(labels[0] if len(labels) == 1 else f"{labels[0]}〜{labels[-1]}" if labels else "")
    links = pager("meetings/index.md", [sum(len(year["rows"]) for year in part) for part in parts], named)
    where = {year["id"]: link["file"] for part, link in zip(parts, links) for year in part if year["first"]}
    return parts, links, where


def dated_title(title: str, date: str) -> str:
    """A meeting's page title and heading with its date (回 restarts each year: 第5回 alone names 10 meetings)."""
    return f"{title}（{date}）" if date and date not in title else title


def meeting_context(meeting: m.Meeting, forms, downloads: dict, views=None, memo=None) -> dict:
    """views: the printed views of the archive the meeting is of (fugi.views.printed.Views; made here without);
    memo: where rendered Markdown is kept (fugi.site.markup.render_markdown)."""
    view = views.meeting(meeting) if views is not None else v.meeting_view(meeting, forms)
    return {**vars(view), "council": meeting.council, "heading": dated_title(view.title, view.date),
            "advice_html": render_markdown(view.advice, 0, memo) if view.advice.strip() else None,
            "downloads": downloads.get(("meetings", meeting.id), [])}


def agenda_context(agenda: m.Agenda, forms, downloads: list, image: str | None, views=None, memo=None) -> dict:
    """views, memo: as for meeting_context."""
    view = views.agenda(agenda) if views is not None else v.agenda_view(agenda, forms)
    context = vars(view).copy()
    if view.flow is not None:
        context["flow"] = dict(vars(view.flow), image=image, drawn=view.flow.graph is not None, graph=None)
    context["body_html"] = render_markdown(view.body, BODY_HEADING_OFFSET, memo)
    context["downloads"] = downloads
    context["remarks_links"] = remarks_links(agenda, forms)
    return context


def remarks_links(agenda: m.Agenda, forms) -> list:
    """Where the meeting that heard the item recorded what was said about it: its remarks on this 審議事項 (with their
    number) and the meeting's advice (one section for the whole meeting).  [{anchor, label}]"""
    meeting = agenda.meeting
    if meeting is None:
        return []
    labels = v.labels(forms)
    item = next((d for d in meeting.items if d.agenda_id == agenda.id), None)
    links = []
    said = [g for g in meeting.remarks if item is not None and g.item_number == item.number and g.remarks]
    if said:
        links.append({"anchor": f"remarks-{item.number}",
                      "label": f"{labels.meeting_remarks}（{sum(len(g.remarks) for g in said)}件）"})
    if meeting.advice.strip():
        links.append({"anchor": "advice", "label": f"{meeting.advice_title or labels.meeting_advice}（会議全体）"})
    return links


def category_ids(forms) -> dict:
    return {c.name: c.id for c in forms.categories}


def browse_pages(archive: m.Archive, agendas, rows: dict, labels):
    """(path, title, intro, groups) of the category / department / partner / year pages; each group lists rows."""
    forms = archive.forms
    names = [c.name for c in forms.categories]
    by_category = [{"id": c.id, "heading": c.name, "note": "",
                    "rows": [rows[a.id] for a in agendas if c.name in a.sheet_categories]} for c in forms.categories]
    yield ("browse/category.md", "区分別の" + labels.agenda,
           f"区分（{'・'.join(names)}）ごとの{labels.agenda}です。1件が複数の区分に載ることがあります。",
           by_category)

    departments, bu_of = defaultdict(list), {}
    for agenda in agendas:
        for dep in agenda.departments:
            for ka in dep.ka:
                departments[ka].append(rows[agenda.id])
                bu_of.setdefault(ka, dep.bu)
    taken, readings = set(), archive.readings
    yield ("browse/department.md", f"{labels.sections}別の{labels.agenda}",
           f"{labels.departments}ごとの{labels.agenda}です（{order_note(departments, readings)}）。",
           [{"id": anchor(ka, taken), "heading": ka, "note": bu_of[ka], "rows": items}
            for ka, items in sorted(departments.items(), key=lambda kv: (order_key(kv[0], readings), bu_of[kv[0]]))])

    roles = forms.partner_roles
    reach = partner_reach(agendas, rows, forms)
    partners = defaultdict(lambda: defaultdict(list))
    for agenda in agendas:
        for role, name in agenda.partners:
            if rows[agenda.id] not in partners[name][role]:
                partners[name][role].append(rows[agenda.id])
    taken, groups = set(), []
    for name in sorted(partners, key=lambda name: order_key(name, readings)):
        found = partners[name]
        seen, merged = set(), []
        for role in roles:
            for row in found.get(role, []):
                if row["id"] not in seen:
                    seen.add(row["id"])
                    merged.append(row)
        groups.append({"id": anchor(name, taken), "heading": name, "note": "・".join(r for r in roles if found.get(r)),
                       "rows": merged, "reach": reach.get(name, [])})
    yield ("browse/partner.md", f"{labels.partners}別の{labels.agenda}",
           f"{'・'.join(roles)}ごとの{labels.agenda}です（{order_note(partners, readings, legal_forms=True)}）。", groups)

    years = defaultdict(list)
    for agenda in agendas:
        years[v.year_of(agenda.meeting, forms)].append(rows[agenda.id])
    yield ("browse/year.md", f"{YEAR}別の{labels.agenda}",
           f"審議した会議の{YEAR}ごとの{labels.agenda}です。まだ審議していない{labels.agenda}は「{labels.not_heard}」、"
           f"審議した会議の日付が分からない{labels.agenda}は「{v.UNKNOWN_YEAR}」に載せています。",
           [{"id": f"fy{year}" if year > 0 else "not-heard" if year == v.NOT_HEARD_KEY else "unknown", "heading": label,
             "note": "", "rows": items}
            for (year, label), items in sorted(years.items(), key=lambda kv: (kv[0][0] < 0, -kv[0][0]))])


def partner_reach(agendas, rows: dict, forms) -> dict:
    """{partner name: [{row, sections, via}]}: which items reach each partner, from which 担当課, through whom
    (the arrows of each item's flow drawing, fugi.views.flow)."""
    from fugi.views.flow import WARD, flow_graph, node_text

    reach = defaultdict(list)
    for agenda in agendas:
        graph = flow_graph(agenda, forms)
        for edge in graph.edges:
            target, source = graph.node(edge.target), graph.node(edge.source)
            if target.kind != "partner":
                continue
            entry = {"row": rows[agenda.id], "sections": v.section_names(agenda),
                     "via": "" if source.kind == WARD else node_text(source)}
            if entry not in reach[target.name]:
                reach[target.name].append(entry)
    return reach


PAGE_ROWS = 40  # rows of a list page: ~16 phone screens at 375 px and ~35 KB of HTML (1,000 rows were 345 KB)


HEADING_ROWS = 2


def page_file(base: str, number: int) -> str:
    """The Markdown file of page `number` of a list whose first page is `base` ("agendas/index.md",
    "browse/partner.md"): the base itself, then <folder>/page.N.md (a dot: no item's file name has one)."""
    if number == 1:
        return base
    folder = base[: -len("/index.md")] if base.endswith("/index.md") else base[: -len(".md")]
    return f"{folder}/page.{number}.md"


def served(file: str) -> str:
    """A Markdown file's address below the site's root ("agendas/index.md" -> "agendas/", "a/b.md" -> "a/b/")."""
    return file[: -len("index.md")] if file.endswith("index.md") else file[: -len(".md")] + "/"


def pager(base: str, counts: list, labels: list | None = None) -> list:
    """The links of a list's pages: {file, href, label, first, last} (label: 1〜40件目, 41件目 for one row, or the
    page's own from `labels`)."""
    links, first = [], 1
    for number, count in enumerate(counts, 1):
        file = page_file(base, number)
        links.append({"number": number, "file": file, "href": served(file), "first": first, "last": first + count - 1,
                      "label": labels[number - 1] if labels else f"{first}〜{first + count - 1}件目" if count > 1
                      else f"{first}件目"})
        first += count
    return links


def split_rows(rows: list, size: int | None = None) -> list:
    size = size or PAGE_ROWS
    return [rows[start:start + size] for start in range(0, len(rows), size)] or [[]]


def split_groups(groups: list, size: int | None = None, whole: bool = False) -> list:
    """Groups on pages of about `size` rows (a group's heading counts as HEADING_ROWS); a larger group goes on over
    the next pages, its heading again with `first` false (`continues`: more of it on the next page).  whole=True: a group that does not fit in the rest of a
    page starts the next one (only a group larger than a page is cut)."""
    size = size or PAGE_ROWS
    pages, current, count = [], [], 0
    for group in groups:
        rows, start = group["rows"], 0
        if whole and current and count + HEADING_ROWS + len(rows) > size:
            pages.append(current)
            current, count = [], 0
        while True:
            if count >= size:
                pages.append(current)
                current, count = [], 0
            count += HEADING_ROWS  # a heading, its note and the table's head take the room of about 2 rows
            part = rows[start:start + max(1, size - count)]
            current.append(dict(group, rows=part, first=start == 0, continues=start + len(part) < len(rows)))
            count += len(part)
            start += len(part)
            if start >= len(rows):
                break
    pages.append(current)
    return pages


def order_note(names, readings, legal_forms: bool = False) -> str:
    """How a list of names is ordered, as its intro says it: 五十音順 of the readings, and what comes last."""
    missing = len(unread(names, readings))
    if names and missing == len(names):
        return "名前の文字の順。読みが登録されていないため、五十音順ではありません"
    note = "読みの五十音順" + ("。株式会社などの法人の種類は除いて並べています" if legal_forms else "")
    return note + (f"。読みが登録されていない{missing}件は、最後に名前の文字の順で並べています" if missing else "")


def card_labels_css(labels) -> str:
    """assets/fugi/labels.css: on a phone, list tables become cards and each cell shows its column's label."""
    columns = {"fugi-items": {1: labels.number, 3: "区分", 4: labels.sections, 5: "会議", 6: labels.decision,
                              **({7: labels.kind} if labels.kind else {})},
               "fugi-meetings": {2: "開催", 3: labels.items, 4: labels.decision}}
    rules = [f"  .md-typeset .{table} td:nth-child({column})::before {{ content: {css_string(name)}; "
             f"content: {css_string(name)} / \"\"; }}"
             for table, cells in columns.items() for column, name in cells.items()]
    return ("/* the phone cards' labels, from content/forms.yml (the layout is in site.css) */\n"
            "@media screen and (max-width: 44.9375em) {\n" + "\n".join(rules) + "\n}\n")


def css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def site_nav(labels) -> list:
    """The site's navigation (MkDocs `nav`), named from the forms."""
    return [{"ホーム": "index.md"}, {"会議": "meetings/index.md"},
            {labels.agenda: [{"一覧": "agendas/index.md"}, {"区分別": "browse/category.md"},
                             {f"{labels.sections}別": "browse/department.md"},
                             {f"{labels.partners}別": "browse/partner.md"}, {f"{YEAR}別": "browse/year.md"},
                             *([{f"{labels.info_items}から探す": "browse/info-items.md"}] if labels.info_items else [])]},
            *([{f"標準の{labels.checklists}": "catalog.md"}] if labels.has_checklists else []),
            {"オープンデータ": "data/index.md"}]


def search_filters(archive: m.Archive, labels) -> list:
    """The search box's filters, in order, with the order of their values (read by assets/fugi/search.js)."""
    decision = archive.forms.meeting.part("items", "decision")
    return [{"name": YEAR, "sort": "year"},
            {"name": "区分", "order": [c.name for c in archive.forms.categories]},
            {"name": labels.sections},
            {"name": labels.decision, "prefix": True,
             "order": [*archive.forms.words(decision.vocabulary), archive.forms.undecided]},
            *([{"name": labels.kind, "order": list(archive.forms.kinds())}] if archive.forms.kinds() else [])]
