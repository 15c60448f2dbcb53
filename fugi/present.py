"""Model values as the printed strings every view shares (和暦 periods, partners, joined names)."""
from __future__ import annotations

from .model import Partners, Period
from .wareki import date_ja, partial_date_ja, time_ja

SEP = "、"


def period_text(period: Period) -> str:
    """令和8年4月6日から令和9年1月11日まで(予定) 移行期間, 令和7年10月1日から…まで(次年度以降も…)."""
    text = partial_date_ja(period.start)
    if period.end is not None:
        text += f"から{partial_date_ja(period.end)}まで"
    elif period.open_ended:
        text += "から"
    if period.planned:
        text += "(予定)"
    if period.note:
        text += f"({period.note})"
    if period.label:
        text += f" {period.label}"
    return text


def partner_text(partner) -> str:
    return f"{partner.name}({partner.note})" if partner.note else partner.name


def partners_lines(partners: Partners) -> list[str]:
    """One line per partner (・ when the original bullets them), then the remark."""
    mark = "・" if partners.bullets else ""
    lines = [mark + partner_text(p) for p in partners.items]
    return lines + ([partners.remark] if partners.remark else [])


def value_lines(row, sheet=None) -> list[str]:
    """A sheet row's value as printed lines (paragraphs)."""
    if row.kind == "names":
        return [SEP.join(row.value)]
    if row.kind == "periods":
        return [period_text(p) for p in row.value]
    if row.kind == "partners":
        return partners_lines(row.value)
    return list(row.value)


def subcontract_rows(sheet):
    """A 再委託 sheet's rows with 委託先 and 再委託先 folded into one 委託先(再委託先) row when both are given."""
    outsourcer = sheet.get("委託先")
    for row in sheet.rows:
        if row.key == "委託先":
            continue
        if row.key == "再委託先" and outsourcer is not None:
            lines = ["【委託先】", *partners_lines(outsourcer), "【再委託先】", *partners_lines(row.value)]
            yield "委託先(再委託先)", lines
        else:
            yield row.label, value_lines(row)


def sheet_table(sheet) -> list[tuple[str, list[str]]]:
    """The (label, lines) rows of a 別紙 as printed on the form."""
    if sheet.category == "再委託":
        return list(subcontract_rows(sheet))
    return [(row.label, value_lines(row)) for row in sheet.rows]


def basis_text(agenda) -> str:
    """◇第3条第1項第3号（外部結合、業務委託）"""
    return f"◇{agenda.article}（{SEP.join(agenda.basis)}）"


def departments_text(agenda) -> str:
    """（担当部課：福祉部高齢者支援課、都市計画部住宅課）"""
    parts = [dep.bu + SEP.join(dep.ka) for dep in agenda.departments]
    return f"（担当部課：{SEP.join(parts)}）"


def meeting_date(meeting) -> str:
    """令和7年9月1日(月), or 開催日不明."""
    return date_ja(meeting.date, weekday=True) if meeting.date else "開催日不明"


def meeting_when(meeting) -> str:
    """令和7年9月1日(月) 午前9時30分~午前10時00分 (unknown parts are left out)."""
    text = meeting_date(meeting)
    if meeting.date and meeting.start:
        text += f" {time_ja(meeting.start)}"
        if meeting.end:
            text += f"~{time_ja(meeting.end)}"
    return text


def attendees_text(meeting) -> str:
    """寺田副区長(会長)、総合政策部長(副会長)、総務部長…"""
    return SEP.join(f"{a.name}({a.role})" if a.role else a.name for a in meeting.attendees)


def group_label(heading: str, group_name: str) -> str:
    """区が行う情報保護対策【運用上の対策】 (an item's checklist half, or the catalog's)."""
    return f"{heading}【{group_name}】"


def checklist_heading(checklist) -> str:
    """4 外部結合にかかる個人情報保護対策チェックリスト (an item's checklist, or the catalog's)."""
    return f"{checklist.number} {checklist.title}"
