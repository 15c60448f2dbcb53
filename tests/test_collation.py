"""五十音順 over hiragana readings (the kana rules of JIS X 4061), and names without their legal form."""
import pytest

from fugi.views.collation import bare_name, bare_reading, collation_key, name_key, reading_problem, to_hiragana


def ordered(*readings):
    return sorted(readings, key=collation_key)


@pytest.mark.parametrize("expected", [
    # 濁点・半濁点 are ignored first; the same letters then go 清音 → 濁音 → 半濁音
    ["は", "ば", "ぱ", "はあ", "ばあ", "ぱあ", "ひ"],
    # ー is the vowel before it; the same letters then go vowel → ー
    ["ああく", "あーく", "ああけ"],
    ["こうど", "こおど", "こーど", "こく"],
    # small letters are their big letter; the same letters then go big → small
    ["きや", "きゃ", "きやく", "きゃく", "きゆ"],
    ["かつき", "かっき", "かつく"],
    # ー after a small letter is that letter's vowel (きゃー = きやあ); after ん it is ん
    ["きやあ", "きゃー", "きやい"],
    ["はん", "はんあ", "はんー", "はんんあ"],
    # 五十音 order of the rows, ん last; ゔ is う with 濁点
    ["あ", "う", "ゔ", "か", "さ", "た", "な", "は", "ま", "や", "ら", "わ", "を", "ん"],
    # a word before the longer words it begins, whatever their 濁点
    ["こ", "ご", "こあ", "ごあ"],
])
def test_gojuon_order(expected):
    assert ordered(*reversed(expected)) == expected
    assert ordered(*expected) == expected


def test_separators_are_not_letters():
    assert collation_key("てぷこ・そりゅーしょん") == collation_key("てぷこ そりゅーしょん") == collation_key("てぷこそりゅーしょん")


def test_repeat_marks_repeat_the_letter_before():
    assert collation_key("いすゞ") == collation_key("いすず")
    assert collation_key("こゝろ") == collation_key("こころ")


def test_readings_must_be_hiragana():
    assert reading_problem("こくどこうつうしょう") == ""
    assert reading_problem("ぼっくす じゃぱん") == "" and reading_problem("てぷこ・そりゅーしょん") == ""
    assert reading_problem("コクドコウツウショウ") == "katakana"
    assert to_hiragana("コクドコウツウショウ・ヴ") == "こくどこうつうしょう・ゔ"
    assert reading_problem("Box じゃぱん") == "Box"
    assert reading_problem("こうれいしゃ支援か") == "支援"


@pytest.mark.parametrize("name, bare", [
    ("株式会社 Box Japan", "Box Japan"),
    ("富士通 Japan 株式会社", "富士通 Japan"),
    ("アルティウスリンク株式会社", "アルティウスリンク"),
    ("一般社団法人 日本データ協会", "日本データ協会"),
    ("特定非営利活動法人あおぞら", "あおぞら"),
    ("地方独立行政法人 東京都立病院機構", "東京都立病院機構"),
    ("㈱ＡＢＣ", "ABC"),
    ("国土交通省", "国土交通省"),
    ("株式会社", "株式会社"),  # nothing but a legal form: kept whole
])
def test_a_legal_form_is_not_part_of_the_name_sorted_on(name, bare):
    assert bare_name(name) == bare


def test_a_legal_form_is_not_part_of_the_reading_sorted_on():
    assert bare_reading("かぶしきがいしゃ ぼっくすじゃぱん") == "ぼっくすじゃぱん"
    assert bare_reading("ふじつうじゃぱんかぶしきがいしゃ") == "ふじつうじゃぱん"
    assert bare_reading("いっぱんしゃだんほうじん・にほんでーたきょうかい") == "にほんでーたきょうかい"
    assert bare_reading("かぶしきがいしゃ") == "かぶしきがいしゃ"


def test_names_are_looked_up_without_spaces_case_width_and_legal_form():
    assert name_key("富士通 Japan 株式会社") == name_key("富士通Japan株式会社") == name_key("富士通ＪＡＰＡＮ")
    assert name_key("株式会社 Box Japan") == name_key("box japan")
    assert name_key("デジタル庁") != name_key("こども家庭庁")
