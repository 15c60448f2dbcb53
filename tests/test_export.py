"""Open data: public items and decisions as JSON and CSV, the same facts as the site, no drafts."""
from __future__ import annotations

import csv
import io
import json
import shutil

import pytest

import sitebuild
from fugi.export import open_data as export
from fugi.pipeline import load_archive
from fugi.views.public import hidden_title, public_archive


@pytest.fixture(scope="module")
def planted_archive(tmp_path_factory):
    content = tmp_path_factory.mktemp("export") / "content"
    shutil.copytree(sitebuild.CONTENT, content)
    sitebuild.plant(content)
    archive, problems = load_archive(content)
    assert not problems.errors, [str(p) for p in problems.errors]
    return public_archive(archive)  # open data is made from the public view


def by_id(rows):
    return {row["id"]: row for row in rows if row["id"]}


def test_public_items_with_their_facts(planted_archive):
    rows = by_id(export.records(planted_archive))
    kyoju = rows["kyoju-support-system"]
    assert kyoju["件名"] == "居住サポート住宅情報提供システムとの外部結合について"
    assert kyoju["区分"] == ["外部結合"] and kyoju["担当課"] == ["高齢者支援課", "住宅課"]
    assert kyoju["結合の相手方"] == ["国土交通省"]
    assert kyoju["会議"]["id"] == "2025-05" and kyoju["会議"]["開催日"] == "2025-09-01"
    assert kyoju["審議事項"] == 5 and kyoju["決定"] == "承認" and kyoju["年度"] == "令和7年度"
    assert kyoju["URL"] == "agendas/kyoju-support-system/"
    assert kyoju["期間"][0]["開始"] == "2025-10-01" and kyoju["期間"][0]["終了"] == "2026-03-31"
    kaigo = rows["kaigo-hoken-hyojunka"]
    assert "富士通 Japan 株式会社" in kaigo["委託先"]
    assert kaigo["会議"] is None and kaigo["決定"] == "審議中" and kaigo["年度"] == "審議前"  # never invented: not heard yet
    assert rows["aircon-josei"]["区分"] == ["外部結合", "業務委託", "再委託"]


def test_decisions_known_only_from_the_meeting_are_included(planted_archive):
    titles = [row["件名"] for row in export.records(planted_archive) if row["id"] is None]
    assert "はたちのつどいに係る案内状印刷及び封入封緘作業の委託について" in titles
    assert hidden_title(planted_archive.forms) == "（非公開の付議事項）" and "（非公開の付議事項）" in titles  # a public meeting's decision on a non-public item, title withheld


def test_no_draft_or_non_public_item_or_meeting(planted_archive):
    dump = json.dumps(export.records(planted_archive), ensure_ascii=False)
    for word in sitebuild.SECRET_WORDS + sitebuild.SECRET_IDS:
        assert word not in dump, word


def test_csv_has_one_row_per_record_and_reads_in_excel(planted_archive, tmp_path):
    json_path, csv_path = export.write_open_data(planted_archive, tmp_path)
    raw = csv_path.read_bytes()
    assert raw.startswith("\ufeff".encode())  # BOM: Excel reads UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    document = json.loads(json_path.read_text(encoding="utf-8"))
    assert len(rows) == len(document["records"]) == document["件数"]
    assert list(rows[0]) == [column for _, column, _ in export.fields(planted_archive.forms)] + [export.LICENCE_COLUMN]
    kaigo = next(r for r in rows if r["id"] == "kaigo-hoken-hyojunka")
    assert kaigo["再委託先"].split(export.LIST_SEP) == [
        "ちばぎんコンピュータサービス株式会社", "シンポー情報システム株式会社", "ファースト株式会社"]
    assert kaigo["期間"].startswith("電算処理: 令和8年4月6日から令和9年1月11日まで(予定)")
    assert set(document["項目"]) == {key for key, _, _ in export.fields(planted_archive.forms)}


def test_the_licence_chosen_in_the_forms_is_in_the_json_and_on_every_csv_row(planted_archive, tmp_path):
    """Issue 31: the open data had no licence; content/forms.yml chooses one (サイト.ライセンス)."""
    json_path, csv_path = export.write_open_data(planted_archive, tmp_path)
    document = json.loads(json_path.read_text(encoding="utf-8"))
    assert document["ライセンス"] == {
        "名称": "公共データ利用規約（第1.0版）（PDL1.0）",
        "URL": "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0"}
    rows = list(csv.DictReader(io.StringIO(csv_path.read_text(encoding="utf-8-sig"))))
    assert {row[export.LICENCE_COLUMN] for row in rows} == {
        "公共データ利用規約（第1.0版）（PDL1.0） https://www.digital.go.jp/resources/open_data/public_data_license_v1.0"}


def test_newest_meeting_first_unknown_last(planted_archive):
    dates = [row["開催日"] for row in export.records(planted_archive)]
    known = [d for d in dates if d]
    assert known == sorted(known, reverse=True)
    assert dates.index(None) > dates.index(known[-1])


def test_site_serves_the_same_open_data_and_documents_it(planted_archive):
    site = sitebuild.planted_site()
    document = json.loads((site / "data" / "decisions.json").read_text(encoding="utf-8"))
    for row in document["records"]:
        target = site / row["URL"] / "index.html"
        assert target.is_file(), row["URL"]
    data_page = (site / "data" / "index.html").read_text(encoding="utf-8")
    for key, _, _ in export.fields(planted_archive.forms):
        assert f"<code>{key}</code>" in data_page, key
    assert 'href="decisions.json"' in data_page and 'href="decisions.csv"' in data_page


def test_csv_cells_a_spreadsheet_would_run_are_neutralised():
    """OWASP CSV injection: =, +, -, @, tab and CR at the start of a cell become text."""
    from fugi.export.open_data import neutralise

    for cell in ('=HYPERLINK("http://evil/","x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(cell) == "'" + cell
    for cell in ("承認", "資料27", "－", "2026-04-01"):
        assert neutralise(cell) == cell


def test_the_csv_file_neutralises_every_cell(planted_archive):
    import csv
    import io

    from fugi.export.open_data import records, to_csv

    rows = records(planted_archive)
    rows[0] = dict(rows[0], 件名='=HYPERLINK("http://evil.example/","開く")', 担当課=["@SUM(1)", "総務課"])
    table = list(csv.reader(io.StringIO(to_csv(rows, planted_archive.forms))))
    header = table[0]
    assert table[1][header.index("件名")] == """'=HYPERLINK("http://evil.example/","開く")"""
    assert table[1][header.index("担当課")] == "'@SUM(1)；総務課"


def test_conditions_history_and_deviations_with_reasons(planted_archive):
    """The item decided over two meetings: its conditions, its history in date order, its 「－」 row with the reason."""
    record = by_id(export.records(planted_archive))[sitebuild.RECORD_ID]
    assert record["決定"] == "条件付承認" and record["審議事項"] == 2
    assert record["条件"] == [f"{sitebuild.CONDITION_WORDS[0]}を年に1回報告すること。",
                            f"{sitebuild.CONDITION_WORDS[1]}の変更は事前に報告すること。"]
    assert [(h["会議"]["id"], h["審議事項"], h["決定"]) for h in record["経過"]] == [
        ("zz-first-meeting", 1, "継続審議"), ("zz-public-meeting", 2, "条件付承認")]
    (deviation,) = record["標準と異なる行"]
    assert (deviation["区分"], deviation["見出し"], deviation["番号"], deviation["印"]) == (
        "外部結合", "結合先に行わせる情報保護対策【運用上の対策】", 4, "－")
    assert deviation["理由"] == f"{sitebuild.REASON_WORD}のため" and record["注記"] == ""
    row = next(r for r in csv.DictReader(io.StringIO(export.to_csv(export.records(planted_archive), planted_archive.forms)))
               if r["id"] == sitebuild.RECORD_ID)
    assert row["経過"] == "第97回 継続審議；第98回 条件付承認（" + "）（".join(record["条件"]) + "）"
    assert row["標準と異なる行"] == f"外部結合 結合先に行わせる情報保護対策【運用上の対策】4「－」（理由: {sitebuild.REASON_WORD}のため）"


def test_a_withheld_item_says_so_and_keeps_its_conditions_out(planted_archive):
    withheld = next(r for r in export.records(planted_archive) if r["件名"] == hidden_title(planted_archive.forms))
    assert withheld["決定"] == "条件付承認" and withheld["条件"] == []
    assert withheld["注記"] == "非公開の付議事項のため掲載していません"


def test_a_column_named_by_the_forms_is_neutralised_too(planted_archive):
    """The CSV's header row is the forms' labels: a label typed as a formula must not run in a spreadsheet."""
    import copy
    import csv
    import dataclasses
    import io

    from fugi.export.open_data import records, to_csv

    forms = planted_archive.forms
    title = forms.agenda.role("title")
    agenda = dataclasses.replace(forms.agenda, fields=tuple(dataclasses.replace(f, label="=1+1") if f is title else f
                                                             for f in forms.agenda.fields))
    archive = copy.copy(planted_archive)
    archive.forms = dataclasses.replace(forms, agenda=agenda)
    header = next(csv.reader(io.StringIO(to_csv(records(archive), archive.forms))))
    assert "'=1+1" in header and "=1+1" not in header
def test_the_open_data_columns_are_fixed_by_the_forms_whatever_the_content(tmp_path):
    """The same columns with or without a data-item vocabulary (they were 24 and 22): no column per class of it."""
    headers, keys = [], []
    for name, without in (("stock", None), ("no-vocabulary", "vocabulary")):
        content = tmp_path / name / "content"
        shutil.copytree(sitebuild.CONTENT, content)
        if without:
            shutil.rmtree(content / without)
        archive, problems = load_archive(content)
        assert not problems.errors, [str(p) for p in problems.errors]
        json_path, csv_path = export.write_open_data(public_archive(archive), tmp_path / name / "data")
        headers.append(csv_path.read_text(encoding="utf-8-sig").splitlines()[0].split(","))
        keys.append({tuple(record) for record in json.loads(json_path.read_text(encoding="utf-8"))["records"]})
    assert headers[0] == headers[1] == [column for _, column, _ in export.fields(archive.forms)] + [export.LICENCE_COLUMN]
    assert len(headers[0]) == len(set(headers[0])) == 24  # the last: the licence the forms chose
    assert keys[0] == keys[1] == {tuple(headers[0][:-1])}
