"""Open data: the public agenda items and the council's decisions as JSON and CSV (site/data/).

Made from the public view of the archive (fugi.views.public) only; the columns come from the form definition
(labels, partner roles, vocabularies), so a new partner role or a renamed label reaches the data by itself.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from fugi import model as m
from fugi.views import printed as v
from fugi.forms.registry import KINDS
from fugi.forms.licences import licence
from fugi.review.findings import deviations, public_review
from fugi.views.public import withheld_notice

LIST_SEP = "；"  # joins several values in one CSV cell (names may contain 、)
#: A cell a spreadsheet would read as a formula starts with one of these (OWASP: CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def fields(forms) -> list:
    """(JSON key, CSV column, description) of every column, in order — the /data/ page prints this table.

    The columns are fixed by the forms alone (the same whatever the content): builtin_columns() and the labels of
    the forms (forms_columns(), which forms.yml may not make collide with a built-in one).  The review's columns
    (rows unlike the standard, the sensitive data an item handles) come last."""
    a, mt = forms.agenda, forms.meeting
    status_words = " / ".join(forms.words(a.role("status").vocabulary)[1:])
    decision, conditions = mt.part("items", "decision"), mt.part("items", "conditions")
    kind = mt.part("items", "kind")
    departments = a.role("departments")
    sections = departments.options.get("課のラベル", departments.label)
    rows = [
        ("id", f"{a.name}のファイル名（.md なし）。サイトの URL にも使われ、変わりません。{mt.name}にだけ"
               f"{a.role('title').label}のある{mt.role('items').label}は空"),
        (a.role("title").label, f"{a.name}の{a.role('title').label}"),
        (a.role("number").label, f"{a.name}の番号（{a.texts['番号の接頭語']}27 なら 27）"),
        (a.role("status").label, status_words),
        (CATEGORIES, f"{a.name}が区分ごとに書いた欄の区分（{'・'.join(c.name for c in forms.categories)}）"),
        (a.role("basis").label, f"{a.role('basis').label}に書いた区分（{'・'.join(c.name for c in forms.basis_categories)}）"),
        (departments.label, departments.description or "担当の部と課"),
        (sections, f"{sections}の名前だけの並び"),
        *[(role, forms.partner_field(role).description
           or f"{'・'.join(c.name for c in forms.categories if owns(c, role))}の{forms.sheet_word}の{role}") for role in forms.partner_roles],
        (PERIODS, f"各{forms.sheet_word}の期間（{PERIOD_KEYS['start']}・{PERIOD_KEYS['end']}は ISO 8601 の年月日または年月。CSV は和暦の表示）"),
        (MEETING, "審議した会議（まだ審議していなければ null / 空）"),
        (mt.role("date").label, f"会議の{mt.role('date').label}（ISO 8601）"),
        (v.YEAR, f"会議の{v.YEAR}（4月〜翌3月）。まだ審議していなければ「{v.not_heard(forms)}」、会議の日付が分からなければ「{v.UNKNOWN_YEAR}」"),
        (mt.role("items").label, f"{mt.name}の{mt.role('items').label}の番号（{mt.name}の中での通し番号）"),
        *([(kind.label, f"{mt.role('items').label}の{kind.label}（{'・'.join(forms.kinds())}）")] if kind else []),
        (decision.label, f"{'・'.join(forms.words(decision.vocabulary))}。{decision.label}がまだない（分からない）なら「{forms.undecided}」"),
        *([(conditions.label, f"{decision.label}の{conditions.label}（{mt.name}に書かれたとおり。いくつもあれば並び）")]
          if conditions else []),
        (HISTORY, f"この{a.name}を審議した会議ごとの{decision.label}（古い順。会議・{mt.role('items').label}の番号・"
                  f"{decision.label}{'・' + conditions.label if conditions else ''}"
                  + (f"。{conditions.label if conditions else ''}が{mt.part('items', 'report').label}を求めたときは"
                     f"「{mt.part('items', 'report').label}」に{STATE}（{follow_states(forms)}）・{due_label(forms)}・"
                     f"{mt.part('items', 'report').label}を受けた会議" if mt.part("items", "report") else "") + "）"),
        (NOTE, f"載せていないものがあるときの説明（「{withheld_notice(forms)}」）"),
        (URL, "サイトのページ（site_url が設定されていなければサイトのトップからの相対パス）"),
        *review_fields(forms),
    ]
    return [(key, key, description) for key, description in rows]


CATEGORIES, PERIODS, MEETING, HISTORY, NOTE, URL = "区分", "期間", "会議", "経過", "注記", "URL"
STATE, DUE = "状況", "期限"  # keys inside a history record's report state (fugi.views.followup)
DEVIATIONS = "標準と異なる行"
SENSITIVE = "個人情報の種類"


def follow_states(forms) -> str:
    w = forms.follow or {}
    return " / ".join(w[k] for k in ("未了の表示", "完了の表示") if w.get(k))


def due_label(forms) -> str:
    due = forms.meeting.part("items", "report_due")
    return due.label if due else DUE


def builtin_columns() -> tuple:
    """The columns fugi names itself (not from the forms): a forms label may not take one of these names."""
    return ("id", CATEGORIES, PERIODS, MEETING, v.YEAR, HISTORY, NOTE, URL, DEVIATIONS, SENSITIVE)


def forms_columns(forms) -> list:
    """(column, field, where in forms.yml) of every column named by the forms, in the order of fields()."""
    a, mt = forms.agenda, forms.meeting
    departments = a.role("departments")
    found = [(a.role(role).label, a.role(role), f"議題.{a.role(role).key}")
             for role in ("title", "number", "status", "basis", "departments") if a.role(role)]
    if departments:
        found.append((departments.options.get("課のラベル", departments.label), departments, f"議題.{departments.key}"))
    found += [(role, forms.partner_field(role), f"区分.{role}") for role in forms.partner_roles if forms.partner_field(role)]
    found += [(one.label, one, f"会議.{one.key}") for one in (mt.role("date"), mt.role("items")) if one]
    items = mt.role("items")
    found += [(one.label, one, f"会議.{items.key}.{one.key}")
              for one in (mt.part("items", "kind"), mt.part("items", "decision"), mt.part("items", "conditions")) if one]
    return found


def review_fields(forms) -> list:
    """The review's columns: the rows unlike the standard (when the forms have checklists), and the sensitive
    classes of data an item handles (one column, whatever classes the vocabulary declares)."""
    a = forms.agenda
    decided = f"{a.role('status').label}が{forms.status_word('decided')}の{a.name}だけ（ほかは null / 空）"
    checklists = a.role("checklists")
    rows = [(DEVIATIONS, f"{checklists.label}のうち標準と違う行（印が「{forms.default_mark}」でない行、文言が標準と"
                         f"違う行、標準にない行）。区分・見出し・番号（標準にない行は null）・印・文言・標準の文言（標準に"
                         f"ない行は null）・理由・表示 を持つオブジェクトの配列")] if forms.has_checklists else []
    rows.append((SENSITIVE, f"{a.name}が扱う個人情報のうち、語彙（content/vocabulary/data-items.yml）で"
                            f"特に注意する種類（扱い: sensitive）に当たるもの。種類・該当（法令の区分、または項目の名前）・"
                            f"表示 を持つオブジェクトの配列（当たるものがなければ空の配列）。{decided}。語彙がなければ null / 空"))
    return rows


def review_values(agenda, public: m.Archive, found=None) -> dict:
    """The review's columns of one item (fugi.review.findings.public_review: deviations always, sensitivity when decided);
    `found`: that item's public_review when the caller has it already."""
    forms = public.forms
    if found is None and agenda is not None:
        found = public_review(agenda, public)
    values = {}
    if forms.has_checklists:
        values[DEVIATIONS] = [
            {"区分": d.category, "見出し": d.label, "番号": None if d.state == "added" else d.position, "印": d.mark,
             "文言": d.text, "標準の文言": d.standard, "理由": d.reason,
             "表示": f"{d.category} {d.label}{'' if d.state == 'added' else d.position}「{d.mark}」"
                   + (f"（理由: {d.reason}）" if d.reason else "")}
            for d in (found["deviations"] if found else deviations(agenda, forms) if agenda is not None else [])]
    marked = dict((c.name, list(labels)) for c, labels in found["sensitive"]) if found else {}
    classes = [c for c in (public.vocabulary.classes if public.vocabulary else ()) if c.sensitive]
    values[SENSITIVE] = ([{"種類": c.name, "該当": marked[c.name], "表示": f"{c.name}（{'、'.join(marked[c.name])}）"}
                          for c in classes if marked.get(c.name)] if found and public.vocabulary else None)
    return values


def owns(category, role: str) -> bool:
    """The category has its own partners of this role (not a copy of its parent's, like 再委託's 委託先)."""
    return any(f.key == role and f.kind == "partners" and not f.same_as_parent for f in category.fields)


# ---------------------------------------------------------------------------
# Records


def page_url(kind: str, ident: str, site_url: str = "") -> str:
    path = f"{kind}/{ident}/"
    return site_url.rstrip("/") + "/" + path if site_url else path


def meeting_ref(meeting, date_key: str, site_url: str = ""):
    if meeting is None:
        return None
    return {"id": meeting.id, "名称": meeting.title, "回": meeting.number,
            date_key: meeting.date.isoformat() if meeting.date else None, "URL": page_url("meetings", meeting.id, site_url)}


#: The keys of a period in the JSON (written as the clerk writes a period: kinds.Periods).
PERIOD_KEYS = dict(zip(("start", "end", "planned", "label", "note"), KINDS["periods"].keys))


def periods_of(agenda: m.Agenda) -> list:
    result = []
    k = PERIOD_KEYS
    for sheet in agenda.sheets:
        for row in sheet.rows:
            if row.kind == "periods":
                for period in row.value:
                    result.append({"区分": sheet.category, "欄": row.label, k["start"]: period.start.iso(),
                                   k["end"]: period.end.iso() if period.end else None, k["planned"]: period.planned,
                                   k["label"]: period.label, "表示": v.period_text(period)})
    return result


def decision_fields(meeting, item, forms, site_url: str, history=()) -> list:
    """The meeting, date, year, item number, decision, conditions and history columns' values."""
    date = meeting.date.isoformat() if meeting and meeting.date else None
    values = [meeting_ref(meeting, forms.meeting.role("date").label, site_url), date, v.year_of(meeting, forms)[1],
              item.number if item else None,
              *([item.kind if item else None] if forms.meeting.part("items", "kind") else []),
              (item.decision if item else "") or forms.undecided]
    if forms.meeting.part("items", "conditions"):
        values.append(list(item.conditions) if item else [])
    return values + [[history_record(mt, one, forms, site_url, history) for mt, one in history]]


def history_record(meeting, item, forms, site_url: str, history=()) -> dict:
    """One meeting of an item's history: the meeting, the item's number there, the decision and its conditions;
    conditions that ask for a report carry its state (報告待ち / 報告済 with the meeting that received it), and a
    report on earlier conditions names the meeting that set them."""
    from fugi.views.followup import follow_entry, report_shown

    items, decision = forms.meeting.role("items").label, forms.meeting.part("items", "decision").label
    conditions = forms.meeting.part("items", "conditions")
    report, due = forms.meeting.part("items", "report"), forms.meeting.part("items", "report_due")
    record = {"会議": meeting_ref(meeting, forms.meeting.role("date").label, site_url), items: item.number,
              decision: report_shown(item, forms) if item.reports else item.decision or forms.undecided}
    shown = f"{v.meeting_name(meeting)} {record[decision]}"
    if conditions:
        record[conditions.label] = list(item.conditions)
        shown += "".join(f"（{c}）" for c in item.conditions)
    follow = follow_entry(meeting, item, history, forms) if report else None
    by_id = {mt.id: mt for mt, _ in history}
    date_key = forms.meeting.role("date").label
    if follow is not None:
        record[report.label] = {STATE: follow["state"], (due.label if due else DUE): follow["due_date"] or follow["due"],
                                MEETING: meeting_ref(by_id.get((follow["report_meeting"] or {}).get("id")), date_key,
                                                     site_url)}
        shown += (f"（{report.label}: {follow['state']} {follow['report_meeting']['label']}）" if follow["reported"]
                  else f"（{report.label}: {follow['state']} {due.label if due else DUE} {follow['due']}）")
    elif report is not None and item.reports:
        record[report.label] = {MEETING: meeting_ref(by_id.get(item.reports), date_key, site_url)}
    return dict(record, 表示=shown)


def agenda_record(agenda: m.Agenda, forms, site_url: str = "") -> dict:
    partners = v.partners_by_role(agenda, forms)
    keys = [key for key, _, _ in fields(forms)]
    values = [agenda.id, agenda.title, agenda.number, agenda.status_word, list(agenda.sheet_categories),
              list(agenda.basis), [dep.bu + ka for dep in agenda.departments for ka in dep.ka], v.section_names(agenda),
              *[partners.get(role, []) for role in forms.partner_roles], periods_of(agenda),
              *decision_fields(agenda.meeting, (m.deciding(agenda) or (None, None))[1], forms, site_url,
                               agenda.history),
              "", page_url("agendas", agenda.id, site_url)]
    return dict(zip(keys, values))


def title_only_record(meeting: m.Meeting, item: m.Deliberation, forms, site_url: str = "") -> dict:
    """A decision known from the meeting summary alone (no agenda file, or an unpublished one)."""
    keys = [key for key, _, _ in fields(forms)]
    values = [None, item.title, None, None, [], [], [], [], *[[] for _ in forms.partner_roles], [],
              *decision_fields(meeting, item, forms, site_url, [(meeting, item)]),
              withheld_notice(forms) if item.withheld else "", page_url("meetings", meeting.id, site_url)]
    return dict(zip(keys, values))


def records(public: m.Archive, site_url: str = "", reviews: dict | None = None) -> list:
    """Every public decision: published items, then items of public meetings without a published item.

    `public` is the public view of the archive (fugi.views.public.public_archive); `reviews`: {item id: its
    public_review}, when the caller has them already (the site shows them too)."""
    forms = public.forms
    reviews = reviews if reviews is not None else {a.id: public_review(a, public) for a in public.agendas}
    rows = [{**agenda_record(a, forms, site_url), **review_values(a, public, reviews[a.id])} for a in public.agendas]
    for meeting in public.meetings:
        rows += [{**title_only_record(meeting, item, forms, site_url), **review_values(None, public)}
                 for item in meeting.items if item.agenda is None]
    keys = forms.agenda.role("number").label, forms.meeting.role("items").label, forms.meeting.role("date").label
    return sorted(rows, key=lambda row: _order(row, *keys))


def _order(row, number_key, item_key, date_key):
    meeting = row["会議"]
    date = meeting[date_key] if meeting and meeting[date_key] else ""
    # newest first; unknown meetings last; within a meeting by item number; unknown ones by paper number
    return (meeting is None, _desc(date), row[item_key] or 0, int(row[number_key] or 0), row["id"] or "")


def _desc(text: str) -> tuple:
    return tuple(-ord(c) for c in text)


def csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return value.get("名称", "")
    if isinstance(value, list):
        return LIST_SEP.join(v["表示"] if isinstance(v, dict) else str(v) for v in value)
    return str(value)


def neutralise(cell: str) -> str:
    """=HYPERLINK(…) -> '=HYPERLINK(…): a leading apostrophe makes a spreadsheet show the cell as text."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


LICENCE_COLUMN = "ライセンス"  # the CSV's last column when the forms choose a licence (a CSV has no other metadata)


def terms_text(terms: dict) -> str:
    return f"{terms['名称']} {terms['URL']}"


def to_csv(rows: list, forms) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    columns = fields(forms)
    header = [neutralise(column) for _, column, _ in columns]  # the forms' labels are typed by a person too
    writer.writerow(header + ([LICENCE_COLUMN] if licence(forms.site["ライセンス"]) else []))
    terms = licence(forms.site["ライセンス"])
    for row in rows:
        cells = []
        for key, _, _ in columns:
            value = row[key]
            if key == "期間":
                value = [dict(p, 表示=f"{p['区分']}: {p['表示']}") for p in value]
            cells.append(neutralise(csv_value(value)))
        writer.writerow(cells + ([terms_text(terms)] if terms else []))
    return out.getvalue()


def decided_verb(forms) -> str:
    """決定した: how the forms say an item was decided (会議.結論の述語), the site's word too (view.labels)."""
    return v.labels(forms).decided


def to_json(rows: list, forms, site_name: str = "") -> str:
    document = {
        "名称": site_name or forms.site["名称"],
        "説明": f"このサイトに載せている{forms.agenda.name}と、会議で{decided_verb(forms)}{forms.meeting.role('items').label}の一覧",
        "項目": {key: description for key, _, description in fields(forms)},
        **({"ライセンス": terms} if (terms := licence(forms.site["ライセンス"])) else {}),
        "件数": len(rows),
        "records": rows,
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def write_open_data(public: m.Archive, out_dir: Path, site_url: str = "", site_name: str = "", rows=None) -> list:
    """decisions.json and decisions.csv (UTF-8 with BOM, so Excel opens it) under out_dir, from the public view
    (`rows`: its records, when the caller has them already)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = records(public, site_url) if rows is None else rows
    json_path, csv_path = out_dir / "decisions.json", out_dir / "decisions.csv"
    json_path.write_text(to_json(rows, public.forms, site_name), encoding="utf-8")
    csv_path.write_text(to_csv(rows, public.forms), encoding="utf-8-sig", newline="")
    return [json_path, csv_path]
