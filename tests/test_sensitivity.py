"""Sensitivity: information items read out of an item and matched against the vocabulary — whole names, never
loose characters, so that nothing is flagged that is not there (病院名 is not 病名, 障害物 is not 障害)."""
from __future__ import annotations

import functools
import shutil
from pathlib import Path

import pytest

from fugi.pipeline import load_archive
from fugi.review.sensitivity import ItemResult, listed_names, match_item, parts_of, sensitivity, split_top, SEPARATORS

ROOT = Path(__file__).resolve().parent.parent


@functools.lru_cache(maxsize=None)
def seed_archive():
    archive, problems = load_archive(ROOT / "content")
    assert not problems.errors
    return archive


def vocabulary():
    return seed_archive().vocabulary


def classify(name: str) -> ItemResult:
    return match_item(ItemResult(name), vocabulary())


def class_of(name: str) -> str:
    found = classify(name).data_class
    return found.name if found else ""


def of(agenda_id: str):
    archive = seed_archive()
    agenda = next(a for a in archive.agendas if a.id == agenda_id)
    return sensitivity(agenda, archive.forms, archive.vocabulary)


# ---------------------------------------------------------------------------
# Splitting


def test_lists_split_at_separators_outside_brackets_only():
    assert split_top("商号、名称、法人の役員（商号、名称、氏名、生年月日、役名等）", SEPARATORS) == [
        "商号", "名称", "法人の役員（商号、名称、氏名、生年月日、役名等）"]
    assert split_top("住民税区分 (R7・R8 非課税/均等割情報)、申請日", SEPARATORS) == [
        "住民税区分 (R7・R8 非課税/均等割情報)", "申請日"]


def test_a_name_is_looked_at_in_its_parts_and_its_brackets():
    assert parts_of("世帯構成 (乳幼児・障害者等の有無等)") == ["世帯構成", "乳幼児", "障害者等の有無等"]
    assert parts_of("病気・予防接種の状況(医師の診断書含む)") == ["病気", "予防接種の状況", "医師の診断書含む"]
    assert parts_of("食事・アレルギー情報") == ["食事", "アレルギー情報"]


def test_a_text_field_lists_names_under_headings_and_skips_descriptions_and_references():
    paragraphs = ("1 個人の範囲 新宿区介護保険の被保険者及びその世帯員", "2 記録項目 資料56-2のとおり",
                  "《再委託先に提供する項目》", "申請受付番号、氏名", "【児童情報】 氏名、障害児フラグ",
                  "対象者: 賃貸人、居住支援法人等")
    assert list(listed_names(paragraphs, vocabulary())) == [
        ("申請受付番号", "《再委託先に提供する項目》"), ("氏名", "《再委託先に提供する項目》"),
        ("氏名", "【児童情報】"), ("障害児フラグ", "【児童情報】")]


# ---------------------------------------------------------------------------
# Matching


@pytest.mark.parametrize("name, kind", [
    ("病名", "病歴"), ("傷病名", "病歴"), ("既往歴", "病歴"), ("病気", "病歴"), ("病後の経過", "病歴"),
    ("障害の程度", "心身の機能の障害"), ("障害児フラグ", "心身の機能の障害"), ("身体障害者手帳の等級", "心身の機能の障害"),
    ("要介護度", "心身の機能の障害"), ("要介護認定情報", "心身の機能の障害"),
    ("医師の診断書", "医師等による指導・診療・調剤"), ("主治医意見書", "医師等による指導・診療・調剤"),
    ("受診医療機関", "医師等による指導・診療・調剤"), ("特定健診の結果", "健康診断等の結果"),
    ("前科", "犯罪の経歴"), ("犯罪被害の状況", "犯罪により害を被った事実"), ("保護観察の有無", "刑事事件・少年保護事件の手続"),
    ("宗教", "信条"), ("民族", "人種"),
])
def test_sensitive_names_and_their_variants_are_found(name, kind):
    match = classify(name).matches[0]
    assert match.entry.data_class.name == "要配慮個人情報" and match.entry.kind == kind


@pytest.mark.parametrize("name", ["マイナンバー", "個人番号", "個人番号異動連絡票情報", "マイナンバーカードの番号"])
def test_the_individual_number_is_specific_personal_information(name):
    assert class_of(name) == "特定個人情報"


@pytest.mark.parametrize("name, expected", [
    ("病院名", "要確認"),  # not 病名: a hospital's name; the secretariat asks whose hospital it records
    ("障害物の有無", ""),  # not 障害: an obstacle
    ("通信障害の記録", ""),  # not 障害: a network fault
    ("宗教法人名", "通常"),  # not 信条: 除く: [宗教法人]
    ("DVD の枚数", ""),  # not DV
    ("受診券番号", "通常"),  # a voucher for a check-up is not its result: 除く: [受診券]
    ("国籍", "通常"),  # nationality alone is not 人種
    ("生活保護受給の有無 (支援給付受給者を含む)", "通常"),
    ("電話番号", "通常"),
])
def test_names_that_only_look_sensitive_are_not_flagged(name, expected):
    assert class_of(name) == expected


def test_the_most_serious_part_decides_and_every_sensitive_part_is_kept():
    result = classify("病気・予防接種の状況(医師の診断書含む)")
    assert result.data_class.name == "要配慮個人情報"
    assert {(m.part, m.entry.kind or m.entry.name) for m in result.matches} == {
        ("病気", "病歴"), ("予防接種の状況", "予防接種"), ("医師の診断書含む", "医師等による指導・診療・調剤")}


def test_a_whole_name_in_the_vocabulary_decides_alone(tmp_path):
    """The secretariat can settle one wording for good: a 別名 equal to the whole name beats its parts."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    path = content / "vocabulary" / "data-items.yml"
    text = path.read_text(encoding="utf-8").replace("別名: [障害者等の有無, 障がい者の有無, 障害者のいる世帯]",
                                                    "別名: [障害者等の有無, 障がい者の有無, 障害者のいる世帯, 障害者の人数]")
    path.write_text(text, encoding="utf-8")
    archive, problems = load_archive(content)
    assert not problems.errors
    result = match_item(ItemResult("障害者の人数"), archive.vocabulary)
    assert [m.entry.name for m in result.matches] == ["障害者の有無"]
    assert class_of("障害者の人数") == "要配慮個人情報"  # without it, 障害者 is found inside


# ---------------------------------------------------------------------------
# The seed items


def test_kyoju_support_system_handles_disease_and_disability_from_its_grouped_list():
    found = dict((c.name, labels) for c, labels in of("kyoju-support-system").sensitive)
    assert found == {"要配慮個人情報": {
        "病歴": ["病名", "病因", "病後の経過"],
        "心身の機能の障害": ["障害の程度"],
        "医師等による指導・診療・調剤": ["治癒の見込みその他参考となる所見を記載した医師の診断書"]}}
    assert of("kyoju-support-system").unknown == []


def test_nyuji_tsuen_shien_handles_sensitive_data_listed_in_its_sheet():
    result = of("nyuji-tsuen-shien")
    found = dict((c.name, labels) for c, labels in result.sensitive)
    assert found == {"要配慮個人情報": {
        "病歴": ["医療的ケア児フラグ", "食事・アレルギー情報", "病気・予防接種の状況(医師の診断書含む)"],
        "心身の機能の障害": ["障害児フラグ"],
        "医師等による指導・診療・調剤": ["病気・予防接種の状況(医師の診断書含む)"]}}
    item = next(i for i in result.items if i.name == "障害児フラグ")
    assert [str(p) for p in item.places] == ["外部結合 結合される情報項目 【児童情報】"]
    assert [i.name for i in result.unknown] == ["行動記録"]


def test_aircon_josei_has_no_sensitive_class_and_one_item_to_confirm():
    """aircon-josei lists 世帯構成 (乳幼児・障害者等の有無等).  Whether a household includes a person with a
    disability says nothing yet about who has which disability; recorded per person it would be 要配慮個人情報
    (心身の機能の障害), recorded as a mark on the household it is household information.  The list does not say
    which, so the review does not flag the item as 要配慮個人情報 (the site shows no mark) but lists the name
    under 要確認 with the question to put to the department.  Its 生活保護受給の有無 is not 要配慮個人情報 under
    the Act (ordinary, with a note); nothing else in its lists comes near a class of the law."""
    result = of("aircon-josei")
    assert result.sensitive == []
    groups = {c.name: [i.name for i in items] for c, items in result.by_class()}
    assert groups["要確認"] == ["世帯構成 (乳幼児・障害者等の有無等)"]
    item = next(i for i in result.items if i.name == "世帯構成 (乳幼児・障害者等の有無等)")
    note = next(m.entry.note for m in item.matches if m.entry.data_class.name == "要確認")
    assert "だれにどのような障害があるかを記録すると要配慮個人情報" in note
    assert len(item.places) == 3  # the same list in the 外部結合, 業務委託 and 再委託 sheets: listed once
    assert [i.name for i in result.unknown] == ["エアコン保有状況 (未保有/故障等)"]


def test_kaigo_hoken_numbered_list_finds_care_certification_and_the_individual_number():
    result = of("kaigo-hoken-hyojunka")
    found = dict((c.name, labels) for c, labels in result.sensitive)
    assert "要介護認定情報" in found["要配慮個人情報"]["心身の機能の障害"]
    assert found["要配慮個人情報"]["医師等による指導・診療・調剤"] == ["介護保険主治医意見書等情報"]
    assert found["特定個人情報"] == {"個人番号": ["個人番号異動連絡票情報"]}
    assert "認定調査委託料情報" not in found["要配慮個人情報"]["心身の機能の障害"]  # a fee: 除く
    assert len(result.items) == 163


def test_sheet_fields_are_read_because_the_forms_flag_them_not_because_of_their_label(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    forms = content / "forms.yml"
    text = forms.read_text(encoding="utf-8")
    flagged = "結合される情報項目(だれの、どのような項目か), 個人情報の項目: true}"
    assert flagged in text
    forms.write_text(text.replace(flagged, "結合される情報項目(だれの、どのような項目か)}"), encoding="utf-8")
    archive, problems = load_archive(content)
    assert not problems.errors
    agenda = next(a for a in archive.agendas if a.id == "nyuji-tsuen-shien")
    assert sensitivity(agenda, archive.forms, archive.vocabulary).items == []


def test_a_heading_inside_a_sheet_line_becomes_a_data_item():
    """Issue 25: 「2 記録項目 氏名、生年月日…」 made 「記録項目 氏名」 a data item: a word the vocabulary does not
    know followed by a space heads the list; a known one (「氏名 住所」) is still a name."""
    paragraphs = ("2 記録項目 氏名、生年月日、住所", "3 記録項目　電話番号")
    assert list(listed_names(paragraphs, vocabulary())) == [
        ("氏名", "記録項目"), ("生年月日", "記録項目"), ("住所", "記録項目"), ("電話番号", "記録項目")]
    assert [name for name, _ in listed_names(("氏名 住所、電話番号",), vocabulary())] == ["氏名 住所", "電話番号"]
