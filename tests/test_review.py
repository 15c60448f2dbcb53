"""The secretariat's review: deviations with the catalog's wording, precedent from earlier decided items (same
rows, same partners, the advice of their meetings), the sensitivity of data — on the seeds and on fixture archives."""
from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from contents import fixture_copy
from fugi.export import open_data as export
from fugi import model as m
from fugi.pipeline import load_archive
from fugi.views.public import public_archive
from fugi.review.findings import deviations, public_review, review
from fugi.review.report import md_report, text_report

ROOT = Path(__file__).resolve().parent.parent
NOT_NEEDED_ROW = "業務開始前に、事故、災害、トラブルに対応できる体制及び手順を整備させ、区と緊急時の連絡体制や対応手順を確認させる。"
CONDITION = "作業場所を限定し、その記録を区に提出させること。"


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def fixture_content() -> Path:
    """tests/fixtures/review made whole: forms, catalog and the repository's vocabulary."""
    content = fixture_copy("review")
    shutil.copytree(ROOT / "content" / "vocabulary", content / "vocabulary")
    return content


@pytest.fixture(scope="module")
def archive(fixture_content):
    archive, problems = load_archive(fixture_content)
    assert not problems.errors, [str(p) for p in problems.errors]
    return archive


def by_id(reviews, ident):
    return next(r for r in reviews if r.agenda.id == ident)


# ---------------------------------------------------------------------------
# The seed archive through the command line


def test_seed_review_lists_the_not_needed_row_of_nyuji_with_the_catalog_wording():
    result = run("review", "nyuji-tsuen-shien")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "資料60 乳児等通園支援事業に係る総合支援システムへの結合について" in out
    assert "■ 標準との違い（2行）" in out
    assert "結合先に行わせる情報保護対策【運用上の対策】 4  「－」対策の必要なし" in out
    assert f"文言: {NOT_NEEDED_ROW}（標準の文言のまま）" in out
    assert ("標準の文言:     コンピューターウイルス感染等がないよう、ウイルス対策ソフトウェアの導入及び最新のパターンファイル"
            "を適用する。") in out
    assert out.count("理由: 理由の記載なし") == 2
    assert "要配慮個人情報を含む（4件）" in out
    assert "・障害児フラグ — 心身の機能の障害（障害の程度）" in out
    assert "[警告]" not in out and not result.stderr  # the stock archive has no warnings (check --strict passes)


def test_seed_review_without_items_covers_every_item_not_yet_decided():
    result = run("review")
    assert result.returncode == 0
    headings = [line for line in result.stdout.splitlines() if line.startswith("資料")]
    assert [h.split()[0] for h in headings] == ["資料5", "資料56", "資料60"]  # kyoju-support-system is decided


def test_seed_review_flags_kyoju_with_the_matched_items_and_no_flag_for_aircon():
    out = run("review", "kyoju-support-system", "aircon-josei").stdout
    kyoju, aircon = out.split("資料5 低所得世帯")
    assert "要配慮個人情報を含む（5件）" in kyoju
    for name in ("病名 — 病歴（病名）", "障害の程度 — 心身の機能の障害（障害の程度）", "医師の診断書 — 医師等による指導・診療・調剤"):
        assert name in kyoju
    assert "要配慮個人情報: 該当なし" in aircon and "特定個人情報: 該当なし" in aircon
    assert "要確認（1件）" in aircon and "世帯構成 (乳幼児・障害者等の有無等) — 障害者の有無" in aircon
    assert "語彙にない項目（1件）: エアコン保有状況 (未保有/故障等)" in aircon


def test_markdown_report_for_the_meeting_papers():
    result = run("review", "nyuji-tsuen-shien", "--format", "md")
    assert result.returncode == 0
    md = result.stdout
    assert md.startswith("# 付議事項の確認（1件）\n\n## 資料60 ")
    assert (f"| 2 | 4 外部結合にかかる個人情報保護対策チェックリスト | 結合先に行わせる情報保護対策【運用上の対策】 4 | "
            f"「－」対策の必要なし | {NOT_NEEDED_ROW} | （同じ） | 理由の記載なし |") in md
    assert "**要配慮個人情報を含む**" in md
    assert "| 要配慮個人情報 | 障害児フラグ | 心身の機能の障害（障害の程度） | 外部結合 結合される情報項目 【児童情報】 |  |" in md
    assert "[警告]" not in md


def test_an_unknown_item_is_named_with_a_suggestion_and_nothing_is_printed(tmp_path):
    result = run("review", "nyuji-tsuen-shen")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "build.py review: 「nyuji-tsuen-shen」という付議事項はありません — 「nyuji-tsuen-shien」の誤りではありませんか" in result.stderr
    assert "Traceback" not in result.stderr


def test_content_errors_stop_the_review(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    path = content / "agendas" / "nyuji-tsuen-shien.md"
    path.write_text(path.read_text(encoding="utf-8").replace("資料番号: 60", "資料番号: 六十"), encoding="utf-8")
    result = run("review", "--content", str(content), cwd=tmp_path)
    assert result.returncode == 1
    assert "content/agendas/nyuji-tsuen-shien.md:3: 資料番号: 「六十」は正の整数ではありません" in result.stderr + result.stdout
    assert "■ 標準との違い" not in result.stdout


# ---------------------------------------------------------------------------
# Precedent, on a fixture archive


def test_an_earlier_item_with_the_same_partner_and_deviation_is_cited_with_its_decision(archive):
    item = by_id(review(archive, ["new-item"]), "new-item")
    row = next(d for d in item.deviations if d.deviates)
    assert (row.label, row.position, row.mark, row.text, row.standard) == (
        "結合先に行わせる情報保護対策【運用上の対策】", 4, "－", NOT_NEEDED_ROW, NOT_NEEDED_ROW)
    precedent = row.precedent
    assert precedent.compared == 4 and [(mark, n) for mark, _, n in precedent.marks] == [("○", 1), ("－", 3)]
    assert [c.id for c in precedent.same] == ["later-decided", "earlier-same-partner", "earlier-private"]
    cited = next(c for c in precedent.same if c.id == "earlier-same-partner")
    assert (cited.number_text, cited.decision, cited.conditions, cited.url) == (
        "資料3", "条件付承認", (CONDITION,), "agendas/earlier-same-partner/")
    assert cited.meeting == "第1回（令和7年4月14日(月)）"
    private = next(c for c in precedent.same if c.id == "earlier-private")
    assert private.url == "" and private.path.endswith("agendas/earlier-private.md")  # not on the site: its file
    partners = item.partners
    assert [(p.role, p.name) for p in partners] == [("結合の相手方", "株式会社サンプル情報")]
    assert [c.id for c in partners[0].cites] == ["later-decided", "earlier-same-partner", "earlier-private"]  # 全角空白も同じ名前


def test_wording_and_added_rows_are_compared_too(archive):
    item = by_id(review(archive, ["new-item"]), "new-item")
    states = [(d.state, d.label, d.position) for d in item.deviations]
    assert states == [("differs", "区が行う情報保護対策【システム上の対策】", 5),
                      ("not-needed", "結合先に行わせる情報保護対策【運用上の対策】", 4),
                      ("added", "結合先に行わせる情報保護対策【運用上の対策】", 6)]
    differs, added = item.deviations[0], item.deviations[2]
    assert differs.standard.startswith("コンピューターウイルス感染等がないよう") and differs.precedent.same == []
    assert added.standard is None and added.precedent.same == []


def test_advice_of_meetings_that_decided_similar_items_newest_and_same_partner_first(archive):
    item = by_id(review(archive, ["new-item"]), "new-item")
    assert [a.meeting_id for a in item.advice] == ["2025-06", "2025-04"]
    assert item.advice[1].why == [("相手方", ["株式会社サンプル情報"]), ("外部結合", ["資料3", "資料4", "資料5"])]
    assert item.advice[1].advice == "- 委託先に定期的な確認を求めること。" and item.advice[1].url == "meetings/2025-04/"


def test_a_decided_item_is_compared_only_with_items_decided_before_its_meeting(archive):
    later = by_id(review(archive, ["later-decided"]), "later-decided")
    assert later.compared == 3
    first = by_id(review(archive, ["earlier-same-partner"]), "earlier-same-partner")
    assert first.compared == 0 and first.partners[0].cites == [] and first.advice == []
    text = text_report([first], archive.forms)
    assert "先例: これまでに審議した付議事項に外部結合のチェックリストはありません" in text


def test_default_review_is_every_item_not_decided_drafts_included(archive):
    assert [r.agenda.id for r in review(archive)] == ["new-item", "draft-item"]


def test_the_reason_an_item_gives_is_shown_beside_its_deviation(archive):
    """A row's 理由 (issue 9) reaches the review's deviation list."""
    agenda = next(a for a in archive.agendas if a.id == "new-item")
    checklist = agenda.checklists[0]
    half = checklist.halves[1]
    group = half.groups[0]
    rows = tuple(dataclasses.replace(r, reason="結合先は国の機関で、区の指導の対象外のため。")
                 if r.position == 4 else r for r in group.rows)
    changed = dataclasses.replace(checklist, halves=(checklist.halves[0], dataclasses.replace(
        half, groups=(dataclasses.replace(group, rows=rows), *half.groups[1:]))))
    copy = dataclasses.replace(agenda, checklists=(changed,))
    found = [d for d in deviations(copy, archive.forms) if d.position == 4 and d.state == "not-needed"]
    assert found[0].reason == "結合先は国の機関で、区の指導の対象外のため。"
    assert [d.reason for d in deviations(agenda, archive.forms)] == ["", "", ""]


def test_markdown_escapes_clerk_text(archive):
    reviews = review(archive, ["new-item"])
    reviews[0].view.title = "件名 | <b>表</b> *強調*"
    md = md_report(reviews, archive.forms)
    assert "## 資料10 件名 \\| \\<b\\>表\\</b\\> \\*強調\\*" in md


# ---------------------------------------------------------------------------
# What the public sees


def test_public_review_only_for_decided_items_from_the_public_view(archive):
    public = public_archive(archive)
    ids = {a.id for a in public.agendas}
    assert "earlier-private" not in ids and "draft-item" not in ids
    new = next(a for a in public.agendas if a.id == "new-item")
    assert public_review(new, public) is None  # 提出済: nothing yet
    later = next(a for a in public.agendas if a.id == "later-decided")
    shown = public_review(later, public)
    assert [(d.label, d.mark) for d in shown["deviations"]] == [("結合先に行わせる情報保護対策【運用上の対策】", "－")]
    assert [(c.name, labels) for c, labels in shown["sensitive"]] == [
        ("要配慮個人情報", {"病歴": ["病名"], "心身の機能の障害": ["障害者手帳の番号"]})]


def test_open_data_carries_deviations_and_sensitivity_flags(archive):
    public = public_archive(archive)
    records = {r["id"]: r for r in export.records(public)}
    assert set(records) >= {"new-item", "later-decided", "earlier-same-partner"} and "earlier-private" not in records
    later = records["later-decided"]
    assert later["個人情報の種類"] == [{"種類": "要配慮個人情報", "該当": ["病歴", "心身の機能の障害"],
                                   "表示": "要配慮個人情報（病歴、心身の機能の障害）"}]
    assert later["標準と異なる行"] == [{
        "区分": "外部結合", "見出し": "結合先に行わせる情報保護対策【運用上の対策】", "番号": 4, "印": "－",
        "文言": NOT_NEEDED_ROW, "標準の文言": NOT_NEEDED_ROW, "理由": "", "表示": "外部結合 結合先に行わせる情報保護対策【運用上の対策】4「－」"}]
    assert records["new-item"]["個人情報の種類"] is None  # not decided: no flag either way
    assert len(records["new-item"]["標準と異なる行"]) == 3
    columns = [column for _, column, _ in export.fields(public.forms)]
    assert columns[-2:] == ["標準と異なる行", "個人情報の種類"]
    csv_text = export.to_csv(list(records.values()), public.forms)
    assert "外部結合 結合先に行わせる情報保護対策【運用上の対策】4「－」,要配慮個人情報（病歴、心身の機能の障害）,公共データ利用規約" in csv_text
def test_review_of_an_item_back_after_continued_deliberation_says_nothing_of_the_meeting_that_heard_it():
    """Issue 25: an item heard at a meeting that decided 継続審議 and submitted again: its review said
    「助言の記録がある会議はありません」 and nothing of that meeting; it shows that hearing first (decision,
    what was said about the item, the advice)."""
    content = fixture_copy("record")
    (content / "meetings" / "2026-07.md").unlink()
    item = content / "agendas" / "record-item.md"
    item.write_text(item.read_text(encoding="utf-8").replace("状態: 決定", "状態: 提出済"), encoding="utf-8")
    (content / "meetings" / "2026-06.md").write_text(
        "---\n回: 6\n開催日: 2026-06-08\n公開: true\n審議内容: 要綱第3条第3号に掲げる事項\n審議事項:\n"
        "  - 付議事項: record-item\n    決定: 継続審議\n"
        "助言:\n  表題: 専門的な知見を有する者からの主な助言\n  前文: 以下の助言を受けた。\n"
        "発言:\n  - 審議事項: 1\n    発言:\n      - 発言者: 会長\n        内容: 結合先の安全管理を確かめてから諮ること。\n"
        "---\n- 通信の暗号化の方式を示すこと。\n", encoding="utf-8")
    archive, problems = load_archive(content)
    assert not [p for p in problems if not p.warning], [str(p) for p in problems]
    (found,) = review(archive, ["record-item"])
    text = text_report([found], archive.forms)
    hearing = text.index("■ この付議事項を審議した会議（1回）")
    assert hearing < text.index("■ 標準との違い")
    lines = text[hearing:].splitlines()
    assert lines[1].endswith("審議事項(1) ⇒ 継続審議  meetings/2026-06/")
    assert lines[2:5] == ["    発言: 会長: 結合先の安全管理を確かめてから諮ること。",
                          "    専門的な知見を有する者からの主な助言", "    - 通信の暗号化の方式を示すこと。"]
    markdown = md_report([found], archive.forms)
    assert "### この付議事項を審議した会議（1回）" in markdown and "⇒ 継続審議" in markdown
    assert "  - 発言: 会長: 結合先の安全管理を確かめてから諮ること。" in markdown
