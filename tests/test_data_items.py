"""The data-item vocabulary (content/vocabulary/data-items.yml): validated like content, one fixture per mistake."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from contents import complete
from fugi.pipeline import load_archive
from fugi.problems import Problems
from fugi.review.data_items import VOCABULARY_FILE, load_vocabulary, normalise

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "vocabulary"
WHERE = "content/vocabulary/data-items.yml"


def content_with(tmp_path: Path, vocabulary: Path) -> Path:
    """A whole content folder (the repository's forms and catalog, no items) with this vocabulary file."""
    content = tmp_path / "content"
    for folder in ("agendas", "meetings", "vocabulary"):
        (content / folder).mkdir(parents=True)
    shutil.copy(vocabulary, content / VOCABULARY_FILE)
    return complete(content)


def problems_of(tmp_path: Path, name: str) -> list:
    problems = Problems()
    load_vocabulary(content_with(tmp_path, FIXTURES / name), problems)
    return [str(p) for p in problems]


@pytest.mark.parametrize("name, expected", [
    ("unknown-key.yml", f"{WHERE}:9: 項目[2].別明: 知らない項目「別明」です — 「種別」の誤りではありませんか（使えるもの: 名称・分類・種別・別名・含む・パターン・除く・備考）"),
    ("unknown-class.yml", f"{WHERE}:6: 項目[1].分類: 分類「要配慮」はありません — 「要配慮個人情報」の誤りではありませんか（使えるもの: 要配慮個人情報・通常）"),
    ("duplicate-name.yml", f"{WHERE}:12: 項目[2].別名: 「病名」は 6行目（病名）にもあります — 同じ名前は1か所にだけ書いてください（どちらの項目の意味か決めて、もう一方を消してください）"),
    ("duplicate-word.yml", f"{WHERE}:7: 項目[2].含む: 含む語「障害」は 6行目（病名）にもあります — 同じ語は1つの項目の 含む: にだけ書いてください"),
    ("missing-kind.yml", f"{WHERE}:6: 項目[1].名称: 分類「要配慮個人情報」の項目には種別が必要です — `種別: …` を書いてください（病歴・心身の機能の障害）"),
    ("wrong-kind.yml", f"{WHERE}:6: 項目[1].種別: 種別「病気」は分類「要配慮個人情報」にありません — 「病歴」の誤りではありませんか（使えるもの: 病歴・心身の機能の障害）"),
    ("bad-treatment.yml", f"{WHERE}:3: 分類[1].扱い: 「important」は使えません — 次のいずれかを書いてください: sensitive・check・ordinary"),
    ("tab-indent.yml", f"{WHERE}:7: YAML: YAMLの書き方に誤りがあります（1文字目: タブ文字があります） — 字下げや区切りにタブは使えません。半角スペースにしてください"),
    ("words-not-a-list.yml", f"{WHERE}:8: 項目[1].別名: 語の並びとして読めません — `別名: [語, 語]` のように書いてください"),
    ("no-ordinary-class.yml", f"{WHERE}:2: 分類: 扱い: ordinary の分類がありません — 氏名・住所などの通常の個人情報の分類を1つ加えてください"),
])
def test_each_mistake_is_reported_at_its_line(tmp_path, name, expected):
    assert problems_of(tmp_path, name) == [expected]


def test_a_one_character_word_is_a_warning_and_the_file_still_loads(tmp_path):
    problems = Problems()
    vocabulary = load_vocabulary(content_with(tmp_path, FIXTURES / "one-character-word.yml"), problems)
    assert vocabulary is not None and not problems.errors
    assert [str(p) for p in problems.warnings] == [
        f"{WHERE}:6: 項目[1].含む: [警告] 1文字の語「病」は、関係のない名前にも含まれます — 2文字以上の語にするか、名前そのものを 別名: に書いてください"]


def test_check_reports_the_vocabulary_and_writes_nothing(tmp_path):
    content = content_with(tmp_path, FIXTURES / "unknown-class.yml")
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "check", "--content", str(content)],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 1
    assert "content/vocabulary/data-items.yml:6: 項目[1].分類: 分類「要配慮」はありません" in result.stdout
    assert "Traceback" not in result.stderr


def test_the_stock_vocabulary_loads_cleanly_with_every_class_of_the_law():
    archive, problems = load_archive(ROOT / "content")
    assert not problems.errors, [str(p) for p in problems.errors]
    assert not [p for p in problems.warnings if "vocabulary" in p.path]
    vocabulary = archive.vocabulary
    sensitive = vocabulary.data_class("要配慮個人情報")
    assert sensitive.sensitive and sensitive.kinds == (
        "人種", "信条", "社会的身分", "病歴", "犯罪の経歴", "犯罪により害を被った事実", "心身の機能の障害",
        "健康診断等の結果", "医師等による指導・診療・調剤", "刑事事件・少年保護事件の手続")
    assert {e.kind for e in vocabulary.entries if e.data_class is sensitive} == set(sensitive.kinds)
    assert vocabulary.data_class("特定個人情報").sensitive
    assert vocabulary.exact[normalise("マイナンバー")].data_class.name == "特定個人情報"
    assert vocabulary.exact[normalise("氏名")].data_class.treatment == "ordinary"


def test_no_vocabulary_file_means_no_vocabulary_and_no_problem(tmp_path):
    content = tmp_path / "content"
    for folder in ("agendas", "meetings"):
        (content / folder).mkdir(parents=True)
    complete(content)
    problems = Problems()
    assert load_vocabulary(content, problems) is None and not problems


def test_names_are_compared_without_width_or_spaces():
    assert normalise("ＤＶ 等（支援）") == normalise("dv等(支援)") == "dv等(支援)"


def test_a_library_lending_history_classed_as_ordinary_with_no_check_note(tmp_path):
    """Issue 25: 貸出履歴 fell to 事務の管理の情報 (通常, 含む 履歴). An entry's パターン (regular expressions, like
    含む words) flags it 要確認 with its note; a pattern that cannot be read, or matches every name, is an error
    at its line."""
    from fugi.review.sensitivity import ItemResult, match_item

    archive, problems = load_archive(ROOT / "content")
    assert not problems.errors
    for name in ("貸出履歴", "図書の貸出履歴", "施設の利用履歴"):
        (found,) = match_item(ItemResult(name), archive.vocabulary).matches
        assert found.entry.data_class.name == "要確認" and "貸出履歴" in found.entry.note, name
    (system,) = match_item(ItemResult("更新履歴"), archive.vocabulary).matches
    assert system.entry.data_class.name == "通常"
    assert problems_of(tmp_path, "bad-pattern.yml") == [
        f"{WHERE}:6: 項目[1].パターン: パターン「(貸出|利用履歴」は正規表現として読めません（1文字目あたり） — "
        "かっこの対応を確かめてください。記号そのものを探すなら前に \\ を付けます（ただの語なら パターン: ではなく 含む: に書けます）",
        f"{WHERE}:7: 項目[2].パターン: パターン「(履歴)?」は空の文字列にも当たり、すべての名前に当たります — "
        "少なくとも1文字を必ず含む形にしてください（例: (貸出|利用)履歴）"]
