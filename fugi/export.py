"""Open data: the public agenda items and the council's decisions as JSON and CSV (site/data/).

Also the facts every public view shares (年度, 決定, partners by role), so the site, its search filters
and the open data always agree.  Only published items and public meetings are ever read here.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from . import model as m
from .present import period_text
from .public import HIDDEN_TITLE
from .wareki import fiscal_year, fiscal_year_ja

UNKNOWN_YEAR = "年度不明"
UNKNOWN = "不明"
LIST_SEP = "；"  # joins several values in one CSV cell (names may contain 、)
PARTNER_ROLES = ("委託先", "再委託先", "結合の相手方")
STATUS_LABELS = {v: k for k, v in m.STATUSES.items()}

FIELDS = (  # (JSON key, CSV column, description) — the /data/ page prints this table
    ("id", "id", "付議事項のファイル名（.md なし）。サイトの URL にも使われ、変わりません。会議概要にだけ件名のある審議事項は空"),
    ("件名", "件名", "付議事項の件名"),
    ("資料番号", "資料番号", "会議資料の番号（資料27 なら 27）"),
    ("状態", "状態", "提出済 / 決定"),
    ("区分", "区分", "別紙の区分（電算処理・外部結合・業務委託・再委託）"),
    ("要綱の根拠", "要綱の根拠", "付議の根拠となる区分（電算処理・外部結合・業務委託）"),
    ("担当部課", "担当部課", "担当の部と課（例: 福祉部高齢者支援課）"),
    ("担当課", "担当課", "担当課の名前だけの並び"),
    ("委託先", "委託先", "業務委託の委託先"),
    ("再委託先", "再委託先", "再委託の再委託先"),
    ("結合の相手方", "結合の相手方", "外部結合の相手方"),
    ("期間", "期間", "各別紙の期間（開始・終了は ISO 8601 の年月日または年月。CSV は和暦の表示）"),
    ("会議", "会議", "審議した会議（不明なら null / 空）"),
    ("開催日", "開催日", "会議の開催日（ISO 8601）"),
    ("年度", "年度", "会議の年度（4月〜翌3月）。会議が不明なら「年度不明」"),
    ("審議事項", "審議事項", "会議概要の審議事項の番号"),
    ("決定", "決定", "承認・条件付承認・継続審議・不承認・取下げ。会議が不明なら「不明」"),
    ("URL", "URL", "サイトのページ（site_url が設定されていなければサイトのトップからの相対パス）"),
)


# ---------------------------------------------------------------------------
# Facts shared by the site and the open data


def year_of(meeting) -> tuple:
    """(sort key, label) of a meeting's 年度; unknown meetings sort last."""
    if meeting is None or meeting.date is None:
        return (-1, UNKNOWN_YEAR)
    year = fiscal_year(meeting.date)
    return (year, fiscal_year_ja(year))


def visible_meeting(agenda: m.Agenda):
    """The agenda's meeting when it is public; None otherwise (never a link to an unpublished page)."""
    return agenda.meeting if agenda.meeting is not None and agenda.meeting.public else None


def deliberation_of(agenda: m.Agenda):
    meeting = visible_meeting(agenda)
    if meeting is None:
        return None
    return next((d for d in meeting.items if d.agenda_id == agenda.id), None)


def decision_of(agenda: m.Agenda) -> str:
    return (agenda.decision or UNKNOWN) if visible_meeting(agenda) else UNKNOWN


def partners_by_role(agenda: m.Agenda) -> dict:
    result = {role: [] for role in PARTNER_ROLES}
    for role, name in agenda.partners:
        if name not in result.setdefault(role, []):
            result[role].append(name)
    return result


def section_names(agenda: m.Agenda) -> list:
    """担当課: every 課 of 担当部課, in order."""
    return list(dict.fromkeys(ka for dep in agenda.departments for ka in dep.ka))


def deliberation_title(item: m.Deliberation) -> str:
    """A 審議事項's title as the public may see it: an unpublished item's own title is never shown."""
    agenda = item.agenda
    if agenda is not None and not agenda.published and (not item.title or item.title == agenda.title):
        return HIDDEN_TITLE
    return item.title


def public_link(item: m.Deliberation):
    """The published agenda a 審議事項 links to, or None."""
    return item.agenda if item.agenda is not None and item.agenda.published else None


def periods_of(agenda: m.Agenda) -> list:
    result = []
    for sheet in agenda.sheets:
        for row in sheet.rows:
            if row.kind == "periods":
                for period in row.value:
                    result.append({"区分": sheet.category, "欄": row.label, "開始": period.start.iso(),
                                   "終了": period.end.iso() if period.end else None, "予定": period.planned,
                                   "名称": period.label, "表示": period_text(period)})
    return result


# ---------------------------------------------------------------------------
# Records


def page_url(kind: str, ident: str, site_url: str = "") -> str:
    path = f"{kind}/{ident}/"
    return site_url.rstrip("/") + "/" + path if site_url else path


def meeting_ref(meeting, site_url: str = ""):
    if meeting is None:
        return None
    return {"id": meeting.id, "名称": meeting.title, "回": meeting.number,
            "開催日": meeting.date.isoformat() if meeting.date else None, "URL": page_url("meetings", meeting.id, site_url)}


def agenda_record(agenda: m.Agenda, site_url: str = "") -> dict:
    meeting = visible_meeting(agenda)
    item = deliberation_of(agenda)
    partners = partners_by_role(agenda)
    return {
        "id": agenda.id,
        "件名": agenda.title,
        "資料番号": agenda.number,
        "状態": STATUS_LABELS[agenda.status],
        "区分": list(agenda.sheet_categories),
        "要綱の根拠": list(agenda.basis),
        "担当部課": [dep.bu + ka for dep in agenda.departments for ka in dep.ka],
        "担当課": section_names(agenda),
        **{role: partners[role] for role in PARTNER_ROLES},
        "期間": periods_of(agenda),
        "会議": meeting_ref(meeting, site_url),
        "開催日": meeting.date.isoformat() if meeting and meeting.date else None,
        "年度": year_of(meeting)[1],
        "審議事項": item.number if item else None,
        "決定": decision_of(agenda),
        "URL": page_url("agendas", agenda.id, site_url),
    }


def title_only_record(meeting: m.Meeting, item: m.Deliberation, site_url: str = "") -> dict:
    """A decision known from the 会議概要 alone (no agenda file, or an unpublished one)."""
    return {
        "id": None, "件名": deliberation_title(item), "資料番号": None, "状態": None, "区分": [], "要綱の根拠": [],
        "担当部課": [], "担当課": [], **{role: [] for role in PARTNER_ROLES}, "期間": [],
        "会議": meeting_ref(meeting, site_url), "開催日": meeting.date.isoformat() if meeting.date else None,
        "年度": year_of(meeting)[1], "審議事項": item.number, "決定": item.decision or UNKNOWN,
        "URL": page_url("meetings", meeting.id, site_url),
    }


def records(archive: m.Archive, site_url: str = "") -> list:
    """Every public decision: published items, then 審議事項 of public meetings without a published item."""
    rows = [agenda_record(a, site_url) for a in archive.public_agendas()]
    for meeting in archive.public_meetings():
        for item in meeting.items:
            if public_link(item) is None:
                rows.append(title_only_record(meeting, item, site_url))

    return sorted(rows, key=_order)



def _order(row):
    meeting = row["会議"]
    date = meeting["開催日"] if meeting and meeting["開催日"] else ""
    # newest first; unknown meetings last; within a meeting by 審議事項; unknown ones by 資料番号
    return (meeting is None, _desc(date), row["審議事項"] or 0, int(row["資料番号"] or 0), row["id"] or "")


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


#: A cell a spreadsheet would read as a formula starts with one of these (OWASP: CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """=HYPERLINK(…) -> '=HYPERLINK(…): a leading apostrophe makes a spreadsheet show the cell as text."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def to_csv(rows: list) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([column for _, column, _ in FIELDS])
    for row in rows:
        cells = []
        for key, _, _ in FIELDS:
            value = row[key]
            if key == "期間":
                value = [dict(p, 表示=f"{p['区分']}: {p['表示']}") for p in value]
            cells.append(neutralise(csv_value(value)))
        writer.writerow(cells)
    return out.getvalue()


def to_json(rows: list, site_name: str = "") -> str:
    document = {
        "名称": site_name or "個人情報保護管理運営会議 アーカイブ",
        "説明": "公開された付議事項と、会議で決定された審議事項の一覧",
        "項目": {key: description for key, _, description in FIELDS},
        "件数": len(rows),
        "records": rows,
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def write_open_data(archive: m.Archive, out_dir: Path, site_url: str = "", site_name: str = "") -> list:
    """decisions.json and decisions.csv (UTF-8 with BOM, so Excel opens it) under out_dir."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = records(archive, site_url)
    json_path, csv_path = out_dir / "decisions.json", out_dir / "decisions.csv"
    json_path.write_text(to_json(rows, site_name), encoding="utf-8")
    csv_path.write_text(to_csv(rows), encoding="utf-8-sig", newline="")
    return [json_path, csv_path]


