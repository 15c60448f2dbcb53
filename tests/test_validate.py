"""Each fixture under tests/fixtures/mistakes/ is one real mistake; the exact message (line, field, text) is asserted."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from fugi.pipeline import load_archive

try:
    from contents import complete
except ImportError:  # tests/ imported as a package
    from tests.contents import complete

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
REPO = HERE.parent

EXPECTED = {
    "broken-yaml.md": [
        "13: YAML: YAMLの書き方に誤りがあります（7文字目: 角かっこ [ ] が閉じていません） — 「[」に対応する「]」を書いてください（値に [ を含めるなら値全体を引用符で囲んでください）",
    ],
    "tab-indent.md": [
        "13: YAML: YAMLの書き方に誤りがあります（1文字目: タブ文字があります） — 字下げや区切りにタブは使えません。半角スペースにしてください",
    ],
    "bad-mark.md": [
        "30: YAML: YAMLの書き方に誤りがあります（12文字目: ここに「- 」の箇条書きは書けません） — 印の「－」は全角で書いてください（半角の - はYAMLの箇条書きになります）",
    ],
    "bad-mark-symbol.md": [
        "30: チェックリスト.外部結合.相手方.運用上の対策.4: 印「×」は使えません — 対策ありなら「○」、対策の必要なしなら「－」を書いてください",
    ],
    "missing-title.md": ["2: 件名: 必須の項目がありません — `件名: …` を追加してください"],
    "unknown-key.md": [
        "6: 担当者: 知らない項目「担当者」です — 「担当部課」の誤りではありませんか（使えるもの: 件名・資料番号・状態・公開・要綱の根拠・要綱の条項・担当部課・事業の概要・電算処理・外部結合・業務委託・再委託・個人情報の流れ・情報項目・チェックリスト・要確認）",
    ],
    "category-typo.md": [
        "6: 要綱の根拠: 「外部決合」は区分ではありません — 「外部結合」の誤りではありませんか（使えるもの: 電算処理・外部結合・業務委託）",
        "15: 外部結合: 要綱の根拠に「外部結合」がないのに別紙があります — 要綱の根拠に「外部結合」を加えてください（今回は審議に出さない区分なら、別紙はこのファイルの外へ写して残し、次に審議に出すときに戻してください）",
        "27: チェックリスト.外部結合: 要綱の根拠に「外部結合」がないのにチェックリストがあります — 要綱の根拠に「外部結合」を加えてください（今回は審議に出さない区分なら、このチェックリストはこのファイルの外へ写して残してください）",
    ],
    "impossible-date.md": [
        "24: 外部結合.結合の開始時期と期間[1].開始: 「2026-02-30」は存在しない日付です — 暦にある日付を書いてください（月は1〜12、日はその月の日数まで）",
    ],
    "end-before-start.md": [
        "25: 外部結合.結合の開始時期と期間[1].終了: 終了（2026-03-31）が開始（2026-04-01）より前です — 開始と終了の日付を確かめてください",
    ],
    "empty.md": ["1: ファイル: ファイルが空です — `python build.py new` でひな形を作るか、ファイルを削除してください"],
    "not-utf8.md": [
        "2: ファイル: UTF-8として読めない文字があります — エディタで文字コードをUTF-8にして保存し直してください（Shift_JISは使えません）",
    ],
    "unclosed-front-matter.md": [
        "1: フロントマター: フロントマターが閉じられていません — 項目の最後に `---` だけの行を追加してください",
    ],
    "missing-checklist.md": [
        "6: チェックリスト: 「外部結合」のチェックリストがありません — `チェックリスト:` の下に `外部結合: {}`（標準どおりすべて○）を書いてください",
    ],
    "sheet-without-basis.md": [
        "6: 要綱の根拠: 「業務委託」の別紙がありません — `業務委託:` の別紙を書くか、要綱の根拠から「業務委託」を外してください",
        "15: 外部結合: 要綱の根拠に「外部結合」がないのに別紙があります — 要綱の根拠に「外部結合」を加えてください（今回は審議に出さない区分なら、別紙はこのファイルの外へ写して残し、次に審議に出すときに戻してください）",
        "26: チェックリスト: 「業務委託」のチェックリストがありません — `チェックリスト:` の下に `業務委託: {}`（標準どおりすべて○）を書いてください",
        "27: チェックリスト.外部結合: 要綱の根拠に「外部結合」がないのにチェックリストがあります — 要綱の根拠に「外部結合」を加えてください（今回は審議に出さない区分なら、このチェックリストはこのファイルの外へ写して残してください）",
    ],
    "subcontract-unknown-outsourcer.md": [
        "42: 再委託.委託先: 「テスト商事株式会社」は業務委託の委託先にありません — 業務委託の委託先「テスト株式会社」と同じ名称にしてください",
    ],
    "duplicate-number.md": [
        "3: 資料番号: 資料1 は {dir}/agendas/duplicate-number.md と重複しています — 年度内で重ならない資料番号にしてください",
    ],
    "meeting-missing-item.md": [
        "13: 審議事項[1].付議事項: 付議事項「minimall」がありません — 「minimal」の誤りではありませんか",
    ],
    "meeting-bad-time.md": [
        '5: 終了: 「25:00」は時刻として読めません — 24時間制で "09:30" のように引用符で囲んで書いてください',
    ],
    # the record: conditions, repeats, what a public meeting may name, reasons, intended wording, placeholders
    "meeting-conditions-missing.md": [
        "7: 審議事項[1].条件: 条件付承認には条件が必要です — `条件:` に条件を書いてください（いくつもあるなら `- ` で始まる行の並び）",
    ],
    "meeting-conditions-refused.md": [
        "9: 審議事項[1].条件: 承認には条件を書けません — 条件を付けた決定なら「承認」を「条件付承認」に直してください。条件がなければ `条件:` を消してください",
    ],
    "meeting-duplicate-item.md": [
        "11: 審議事項[3].付議事項: 付議事項「minimal」は審議事項(1)と同じです — 同じ会議で同じ案件は1つにまとめてください（2つ目に書いたことは1つ目へ移してください。別の案件なら、その案件を指すように書き直してください）",
    ],
    "meeting-duplicate-title.md": [
        "9: 審議事項[2].件名: 件名「案内状の印刷の委託について」は審議事項(1)と同じです — 同じ会議で同じ案件は1つにまとめてください（2つ目に書いたことは1つ目へ移してください。別の案件なら、その案件を指すように書き直してください）",
    ],
    "meeting-private-item.md": [
        "7: 審議事項[1].付議事項: 付議事項「private-item」は公開しないものですが、この会議概要は公開されます — この審議事項に `非公開: true` を書くと、番号と決定だけを載せます（件名・条件・発言は載せません）。公開してよいなら {dir}/agendas/private-item.md の公開を true にしてください",
    ],
    "meeting-withheld-published.md": [
        "9: 審議事項[1].非公開: 付議事項「minimal」は公開されています — `非公開: true` を消すか、c/agendas/minimal.md の公開を false にしてください",
    ],
    "meeting-advice-names-withheld.md": [
        "14: 助言: 助言に、載せない審議事項(1)の件名「非公開のテスト事業について」があります — 公開する会議概要の助言から外してください",
    ],
    "meeting-pending-decided.md": [
        "4: 状態: 決定ですが、最後の会議概要（{dir}/meetings/meeting-pending-decided.md）では「継続審議」です — 状態を提出済にしてください（決定かどうかは会議概要の記録から決まります）。決定したなら、決めた会議概要を加えてください",
    ],
    "meeting-without-number-or-date.md": [
        "2: 回: 回も開催日もありません — `回: 5`（第何回か）か `開催日: 2025-09-01` を書いてください（回がなければ開催日で名前を付けます）",
    ],
    "meeting-unfilled-public.md": [
        "7: 審議事項[1].件名: 「【要記入】」のままの箇所があります（公開: true なので、残したままにはできません） — 「【要記入】」を消して、代わりに書くべきことを書き込んでください",
    ],
    "unreasoned-deviation.md": [
        "30: チェックリスト.外部結合.相手方.運用上の対策.4: [警告] 「－」（対策の必要なし）の理由がありません — `4: {印: －, 理由: …}` のように理由を書いてください（原本に理由が書かれていないなら `原本どおり: true`）",
        "32: チェックリスト.外部結合.相手方.運用上の対策.追加[1]: [警告] 「－」（対策の必要なし）の理由がありません — `- {印: －, 文言: …, 理由: …}` のように理由を書いてください（原本に理由が書かれていないなら `原本どおり: true`）",
    ],
    "intended-but-standard.md": [
        "30: チェックリスト.外部結合.区.運用上の対策.2: [警告] 原本どおり: true と書かれていますが、標準と違うところがありません — `原本どおり: true` を消してください",
    ],
    "unfilled-published.md": [
        "13: 事業の概要.目的: 「【要記入】」のままの箇所があります（公開: true で状態が下書きでないので、残したままにはできません） — 「【要記入】」を消して、代わりに書くべきことを書き込んでください",
        "31: 事業内容: 「【要記入】」のままの箇所があります（公開: true で状態が下書きでないので、残したままにはできません） — 「【要記入】」を消して、代わりに書くべきことを書き込んでください",
    ],
    "unfilled-draft.md": [
        "31: 事業内容: [警告] 「【要記入】」のままの箇所があります — 「【要記入】」を消して、代わりに書くべきことを書き込んでください",
    ],
    "meeting-place-names-withheld.md": [
        "4: 場所: 場所に、載せない審議事項(1)の件名「非公開のテスト事業について」があります — 公開する会議概要の場所から外してください",
        "8: 出席者[2]: 出席会員等に、載せない審議事項(1)の件名「非公開のテスト事業について」があります — 公開する会議概要の出席会員等から外してください",
        "14: 審議事項[2].件名: 審議事項に、載せない審議事項(1)の件名「非公開のテスト事業について」があります — 公開する会議概要の審議事項から外してください",
        "20: 発言[1].発言[1].内容: 発言に、載せない審議事項(1)の件名「非公開のテスト事業について」があります — 公開する会議概要の発言から外してください",
    ],
    "meeting-spaced-title-names-withheld.md": [  # a space (ASCII or full-width), a line break, half-width kana
        "4: 場所: 場所に、載せない審議事項(1)の件名「非公開のテスト事業について」があります — 公開する会議概要の場所から外してください",
        "8: 出席者[2]: 出席会員等に、載せない審議事項(1)の件名「非公開のテスト事業について」があります — 公開する会議概要の出席会員等から外してください",
        "14: 審議事項[2].件名: 審議事項に、載せない審議事項(1)の件名「非公開のテスト事業について」があります — 公開する会議概要の審議事項から外してください",
        "20: 発言[1].発言[1].内容: 発言に、載せない審議事項(1)の件名「非公開のテスト事業について」があります — 公開する会議概要の発言から外してください",
    ],
    "control-character-title.md": [
        "2: 件名: 制御文字（U+0007）が入っています — 「\\a」「\\x07」のような書き方や貼り付けで入った見えない文字です。その文字を取り除いてください",
    ],
    "control-character-department.md": [
        "9: 担当部課[1].課[1]: 制御文字（U+001B）が入っています — 「\\a」「\\x07」のような書き方や貼り付けで入った見えない文字です。その文字を取り除いてください",
    ],
    "date-out-of-range.md": [
        "24: 外部結合.結合の開始時期と期間[1].開始: 「0001-01-01」は扱える日付の範囲の外です — 1873-01-01（明治6年1月1日）から 9998-12-31 までの日付を書いてください",
    ],
    "meeting-date-out-of-range.md": [
        "3: 開催日: 「9999-12-31」は扱える日付の範囲の外です — 1873-01-01（明治6年1月1日）から 9998-12-31 までの日付を書いてください",
    ],
    "too-many-columns.md": [
        "34: 本文: 表の列が多すぎます（31列。30列まで） — 表を縦長に組み替えるか、いくつかの表に分けてください",
    ],
}
# Problems reported on the base file rather than on the fixture itself.
REPORTED_ON = {"duplicate-number.md": "minimal.md", "meeting-pending-decided.md": "decided-item.md"}
# Agenda items a meeting fixture needs besides the base one (tests/fixtures/companions/).
COMPANIONS = {"meeting-private-item.md": ["private-item.md"], "meeting-advice-names-withheld.md": ["private-item.md"],
              "meeting-place-names-withheld.md": ["private-item.md"],
              "meeting-spaced-title-names-withheld.md": ["private-item.md"],
              "meeting-pending-decided.md": ["decided-item.md"]}


def make_content(tmp_path: Path, fixture: str | None = None) -> Path:
    content = tmp_path / "c"
    shutil.copytree(FIXTURES / "base", content)
    complete(content)
    if fixture:
        folder = "meetings" if fixture.startswith("meeting-") else "agendas"
        shutil.copy(FIXTURES / "mistakes" / fixture, content / folder / fixture)
        for companion in COMPANIONS.get(fixture, ()):
            shutil.copy(FIXTURES / "companions" / companion, content / "agendas" / companion)
    return content


def messages(problems, name: str):
    return [str(p).split(":", 1)[1] for p in problems.sorted() if p.path.endswith("/" + name)]


def test_every_fixture_has_an_expectation():
    assert sorted(p.name for p in (FIXTURES / "mistakes").glob("*.md")) == sorted(EXPECTED)


def test_base_fixture_is_clean(tmp_path):
    archive, problems = load_archive(make_content(tmp_path))
    assert [str(p) for p in problems] == []
    assert [a.id for a in archive.agendas] == ["minimal"]


@pytest.mark.parametrize("fixture", sorted(EXPECTED))
def test_mistake_is_reported_exactly(tmp_path, monkeypatch, fixture):
    monkeypatch.chdir(tmp_path)
    content = make_content(tmp_path, fixture)
    _, problems = load_archive(content)
    expected = [line.replace("{dir}", "c") for line in EXPECTED[fixture]]
    assert messages(problems, REPORTED_ON.get(fixture, fixture)) == expected
    assert len(problems) == len(expected), [str(p) for p in problems]  # nothing else, on no other file
    assert [p.warning for p in problems.sorted()] == ["[警告]" in line for line in expected]


@pytest.mark.parametrize("loader", ["libyaml", "python"])
def test_yaml_errors_read_the_same_with_either_parser(tmp_path, monkeypatch, loader):
    """PyYAML without libyaml words its errors differently; the clerk sees the same message."""
    import yaml

    from fugi.source import files as load

    base = yaml.SafeLoader if loader == "python" else getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    monkeypatch.chdir(tmp_path)
    for fixture in ("broken-yaml.md", "tab-indent.md", "bad-mark.md"):
        content = make_content(tmp_path / fixture, fixture)
        with monkeypatch.context() as patch:
            patch.setattr(load, "_Loader", type("L", (base,), dict(vars(load._Loader))))
            assert load._Loader.__mro__[1] is base
            _, problems = load_archive(content)
        assert messages(problems, fixture) == EXPECTED[fixture]


def test_yaml_times_stay_times(tmp_path):
    """YAML 1.1 reads an unquoted 10:00 as the number 600; a clerk means a time."""
    content = make_content(tmp_path)
    path = content / "meetings" / "minimal-meeting.md"
    path.write_text(path.read_text().replace('開始: "10:00"', "開始: 10:00"), encoding="utf-8")
    archive, problems = load_archive(content)
    assert not problems.errors
    assert archive.meetings[0].start == "10:00"


def test_all_problems_at_once(tmp_path, monkeypatch):
    """Several broken files: every problem is reported in one run, sorted by file and line."""
    monkeypatch.chdir(tmp_path)
    content = make_content(tmp_path)
    for name in ("broken-yaml.md", "impossible-date.md", "unknown-key.md", "empty.md"):
        shutil.copy(FIXTURES / "mistakes" / name, content / "agendas" / name)
    _, problems = load_archive(content)
    assert [p.path.rsplit("/", 1)[1] for p in problems.sorted()] == [
        "broken-yaml.md", "empty.md", "impossible-date.md", "unknown-key.md"]


def test_drift_is_a_warning_with_both_texts(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    content = make_content(tmp_path)
    path = content / "agendas" / "minimal.md"
    text = path.read_text(encoding="utf-8").replace(
        "  外部結合: {}", "  外部結合:\n    区:\n      システム上の対策:\n        5: {文言: コンピュータウイルス対策をする。}")
    path.write_text(text, encoding="utf-8")
    archive, problems = load_archive(content)
    assert not problems.errors
    (warning,) = problems.warnings
    assert str(warning).startswith("c/agendas/minimal.md:30: チェックリスト.外部結合.区.システム上の対策.5: [警告] 標準の文言と違います: "
                                   "「コンピュータウイルス対策をする。」（標準: 「コンピューターウイルス感染等がないよう")
    row = archive.agendas[0].checklists[0].halves[0].groups[1].rows[4]
    assert row.text == "コンピュータウイルス対策をする。" and row.differs


# ---------------------------------------------------------------------------
# Files named in content are published: they must be images inside content/

def png(width: int, height: int) -> bytes:
    """A real PNG of width x height black pixels."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    pixels = b"".join(b"\x00" + b"\x00\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(pixels)) + chunk(b"IEND", b""))


PNG = png(4, 3)
BROKEN = "画像をもう一度書き出して（保存し直して）から置いてください"
UNREADABLE = "は画像として読めません（途中で切れているか、中身が壊れているか、大きさが 0 です）"


def png_header_only(width: int, height: int) -> bytes:
    """The tester's PNG: a header of width x height with the data of one pixel (what Word's reader accepts)."""
    import struct
    import zlib

    head = b"IHDR" + struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    whole = png(1, 1)
    return whole[:8] + struct.pack(">I", 13) + head + struct.pack(">I", zlib.crc32(head)) + whole[8 + 25:]


def png_zeroed_crc() -> bytes:
    """A real 2 x 2 PNG whose header chunk's CRC is zeroed."""
    data = bytearray(png(2, 2))
    data[8 + 8 + 13:8 + 8 + 13 + 4] = b"\0\0\0\0"
    return bytes(data)


def jpeg(cut: float = 1.0) -> bytes:
    """A real JPEG of noise (made with Pillow), cut to `cut` of its bytes."""
    import io
    import random

    from PIL import Image

    picture = Image.frombytes("RGB", (64, 64), random.Random(1).randbytes(64 * 64 * 3))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=90)
    data = out.getvalue()
    return data[:int(len(data) * cut)]
IMAGE_CASES = {
    "outside": ("../../../../etc/hosts.png", None,
                "「../../../../etc/hosts.png」は content/ の外を指しています — content/ の中に置いた画像を、content/ からの相対パスで書いてください（例: images/flow.png）"),
    "absolute": ("/etc/hosts.png", None,
                 "「/etc/hosts.png」は content/ の外を指しています — content/ の中に置いた画像を、content/ からの相対パスで書いてください（例: images/flow.png）"),
    "symlink": ("images/link.png", "symlink",
                "「images/link.png」は content/ の外のファイルを指しています（シンボリックリンク） — content/ の中に置いた画像を、content/ からの相対パスで書いてください（例: images/flow.png）"),
    "not-an-image": ("images/secret.png", b"password=hunter2\n",
                     "「images/secret.png」の中身はPNG画像ではありません — 画像を保存し直すか、実際の形式に合った拡張子にしてください"),
    "wrong-extension": ("images/notes.txt", b"text",
                        "「images/notes.txt」は画像ファイルではありません — PNG・JPEG・GIF のいずれかを指定してください"),
    "truncated-png": ("images/cut.png", png(40, 30)[:20], f"「images/cut.png」{UNREADABLE} — {BROKEN}"),
    "truncated-jpeg": ("images/cut.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF",
                       f"「images/cut.jpg」{UNREADABLE} — {BROKEN}"),
    "empty-png": ("images/zero.png", png(0, 0), f"「images/zero.png」{UNREADABLE} — {BROKEN}"),
    "png-header-without-data": ("images/bomb.png", png_header_only(1000, 1000), f"「images/bomb.png」{UNREADABLE} — {BROKEN}"),
    "png-too-many-pixels": ("images/huge.png", png_header_only(100000, 100000),
                            "「images/huge.png」は画像が大きすぎます（100000×100000 ピクセル。5000万ピクセルまで） — "
                            "幅 2000 ピクセルほどの大きさで書き出し直してから置いてください"),
    "png-zeroed-crc": ("images/crc.png", png_zeroed_crc(), f"「images/crc.png」{UNREADABLE} — {BROKEN}"),
    "jpeg-cut-in-its-data": ("images/half.jpg", jpeg(0.6), f"「images/half.jpg」{UNREADABLE} — {BROKEN}"),
    "missing": ("images/none.png", None,
                "図のファイル「images/none.png」がありません — content/ の中に置いた画像を、content/ からの相対パスで書いてください（例: images/flow.png）"),
}


@pytest.mark.parametrize("case", sorted(IMAGE_CASES))
def test_flow_image_must_be_an_image_inside_content(tmp_path, monkeypatch, case):
    monkeypatch.chdir(tmp_path)
    image, data, expected = IMAGE_CASES[case]
    content = make_content(tmp_path)
    (content / "images").mkdir()
    if data == "symlink":
        outside = tmp_path / "password.png"
        outside.write_bytes(PNG)  # even a real image: anything outside content/ is refused
        (content / image).symlink_to(outside)
    elif data is not None:
        (content / image).write_bytes(data)
    path = content / "agendas" / "minimal.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "チェックリスト:", f"個人情報の流れ:\n  図: {image}\nチェックリスト:"), encoding="utf-8")
    _, problems = load_archive(content)
    assert messages(problems, "minimal.md") == [f"27: 個人情報の流れ.図: {expected}"]


@pytest.mark.parametrize("name, data", [("flow.png", PNG), ("flow.jpg", jpeg()), ("flow.gif", "gif")])
def test_a_whole_png_jpeg_or_gif_is_accepted(tmp_path, monkeypatch, name, data):
    monkeypatch.chdir(tmp_path)
    content = make_content(tmp_path)
    (content / "images").mkdir()
    if data == "gif":
        from PIL import Image

        Image.new("P", (8, 6)).save(content / "images" / name, "GIF")
    else:
        (content / "images" / name).write_bytes(data)
    path = content / "agendas" / "minimal.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "チェックリスト:", f"個人情報の流れ:\n  図: images/{name}\nチェックリスト:"), encoding="utf-8")
    archive, problems = load_archive(content)
    assert not problems, [str(p) for p in problems]
    assert archive.agendas[0].data_flow.image == f"images/{name}"


def test_an_image_inside_content_is_accepted_even_through_a_symlink_inside(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    content = make_content(tmp_path)
    (content / "images").mkdir()
    (content / "images" / "flow.png").write_bytes(PNG)
    (content / "images" / "alias.png").symlink_to(content / "images" / "flow.png")
    path = content / "agendas" / "minimal.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "チェックリスト:", "個人情報の流れ:\n  図: images/alias.png\nチェックリスト:"), encoding="utf-8")
    archive, problems = load_archive(content)
    assert not problems and archive.agendas[0].data_flow.image == "images/alias.png"


@pytest.mark.parametrize("name, why", [
    ("index.md", "「index」は一覧ページの名前なので使えません。別の名前にしてください"),
    ("日本語#?.md", "半角英小文字・数字・ハイフンで書いてください（例: aircon-josei）。ファイル名はサイトの URL になります"),
    ("Aircon Josei.md", "半角英小文字・数字・ハイフンで書いてください（例: aircon-josei）。ファイル名はサイトの URL になります"),
])
def test_file_names_are_checked_because_they_become_addresses(tmp_path, monkeypatch, name, why):
    monkeypatch.chdir(tmp_path)
    content = make_content(tmp_path)
    shutil.copy(content / "agendas" / "minimal.md", content / "agendas" / name)
    archive, problems = load_archive(content)
    assert [str(p) for p in problems] == [f"c/agendas/{name}:1: ファイル名: 「{name}」はファイル名に使えません — {why}"]
    assert [a.id for a in archive.agendas] == ["minimal"]


def test_a_content_file_that_points_outside_content_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    content = make_content(tmp_path)
    secret = tmp_path / "elsewhere.md"
    secret.write_text((content / "agendas" / "minimal.md").read_text(encoding="utf-8").replace("テスト事業", "よそのひみつ"),
                      encoding="utf-8")
    (content / "agendas" / "outside.md").symlink_to(secret)
    archive, problems = load_archive(content)
    assert [str(p) for p in problems] == [
        "c/agendas/outside.md:1: ファイル: content/ の外のファイルを指しています（シンボリックリンク） — ファイルそのものを content/ の中に置いてください"]
    assert [a.id for a in archive.agendas] == ["minimal"]


@pytest.mark.parametrize("mistake, expected", [
    (("件名: 居住", "件名 居住"), "kyoju-support-system.md:2: YAML: YAMLの書き方に誤りがあります（3文字目: 「項目: 値」のコロンがありません） — "
                                 "`項目: …` のように、項目名の後に半角のコロンと半角スペースを書いてください"),
    (("資料番号: 27", "資料番号: abc"), "kyoju-support-system.md:3: 資料番号: 「abc」は正の整数ではありません — 数字だけを書いてください（例: 27）"),
])
def test_an_item_that_cannot_be_read_brings_no_follow_on_problems(tmp_path, mistake, expected):
    """Its meeting does not report it missing (with a guess at another name) and the readings of the names only
    it uses are not reported unused: the one mistake is the one message."""
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    item = content / "agendas" / "kyoju-support-system.md"
    item.write_text(item.read_text(encoding="utf-8").replace(*mistake, 1), encoding="utf-8")
    _, problems = load_archive(content)
    assert [str(p).split("/")[-1] for p in problems.sorted()] == [expected]


@pytest.mark.parametrize("name", ["forms.yml", "vocabulary/data-items.yml", "vocabulary/readings.yml"])
@pytest.mark.parametrize("warm", [False, True])
def test_a_shared_file_that_points_outside_content_is_refused_with_or_without_the_cache(tmp_path, monkeypatch, name, warm):
    """The tester's forms.yml (and vocabularies) as symlinks to a file outside content/: its text would be published.
    A warm cache (the same bytes read before as a real file) must not let it through."""
    from fugi.build.cache import Cache
    from fugi.archive.loader import Loader

    monkeypatch.chdir(tmp_path)
    content = make_content(tmp_path)
    source = REPO / "content" / name
    target = content / name
    target.parent.mkdir(exist_ok=True)
    target.write_bytes(source.read_bytes())
    cache = Cache(tmp_path / "cache")
    if warm:
        _, problems, _ = Loader(content, cache).load()
        assert not problems.errors, [str(p) for p in problems]
    outside = tmp_path / "elsewhere.yml"
    outside.write_bytes(source.read_bytes())
    target.unlink()
    target.symlink_to(outside)
    _, problems, _ = Loader(content, cache).load()
    assert f"c/{name}:1: ファイル: content/ の外のファイルを指しています（シンボリックリンク） — ファイルそのものを content/ の中に置いてください" \
        in [str(p) for p in problems.errors]


def _fifo(path):
    os.mkfifo(path)


@pytest.mark.parametrize("make, expected", [
    (lambda p: p.symlink_to(p.parent / "gone.md"),
     "ファイル: リンク先のファイルがありません（シンボリックリンク） — リンクを正しいファイルに張り直すか、ファイルそのものをここに置いてください"),
    (lambda p: p.symlink_to(p),
     "ファイル: シンボリックリンクが循環していて、ファイルにたどり着けません — リンクを正しいファイルに張り直すか、ファイルそのものをここに置いてください"),
    (lambda p: p.mkdir(), "ファイル: ファイルではなくフォルダです — フォルダの名前を「.md」で終わらない名前に変えてください"),
    (_fifo, "ファイル: ふつうのファイルではありません（名前付きパイプや装置など） — 文書はエディタでふつうのテキストファイルとして保存してください"),
], ids=["dangling", "loop", "folder", "fifo"])
@pytest.mark.parametrize("folder", ["agendas", "meetings"])
def test_a_md_name_that_is_not_a_readable_file_is_reported_never_opened(tmp_path, monkeypatch, make, expected, folder):
    monkeypatch.chdir(tmp_path)
    content = make_content(tmp_path)
    make(content / folder / "odd.md")
    archive, problems = load_archive(content)  # a FIFO opened would hang here
    assert [str(p) for p in problems] == [f"c/{folder}/odd.md:1: {expected}"]
    assert [a.id for a in archive.agendas] == ["minimal"]


def test_an_editors_lock_file_is_ignored(tmp_path, monkeypatch):
    """Emacs leaves `.#name.md`, a symlink to nowhere, beside a file being edited."""
    monkeypatch.chdir(tmp_path)
    content = make_content(tmp_path)
    (content / "agendas" / ".#minimal.md").symlink_to("clerk@host.12345:1700000000")
    archive, problems = load_archive(content)
    assert not problems and [a.id for a in archive.agendas] == ["minimal"]
def test_a_meeting_without_a_number_is_named_by_its_date_everywhere(tmp_path, monkeypatch, capsys):
    """回 may be left out (必須: false): the meeting is kept, and its date (和暦) names it in every artefact."""
    from fugi.export import open_data as export
    from fugi.views import printed as view
    from fugi.cli import main
    from fugi.views.public import public_archive
    from fugi.site.feeds import atom_feed, ical_meetings

    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    path = content / "meetings" / "2025-05.md"
    path.write_text(path.read_text(encoding="utf-8").replace("回: 5\n", "", 1), encoding="utf-8")
    archive, problems = load_archive(content)
    assert not problems.errors, [str(p) for p in problems]
    meeting = next(mt for mt in archive.meetings if mt.id == "2025-05")
    assert meeting.number is None
    assert meeting.title == "新宿区個人情報保護管理運営会議(令和7年9月1日)概要"
    assert view.meeting_name(meeting) == view.meeting_label(meeting) == "令和7年9月1日(月)"
    public = public_archive(archive)
    assert "会議: 新宿区個人情報保護管理運営会議（令和7年9月1日(月) 午前9時30分" in atom_feed(public).decode()
    assert "SUMMARY:新宿区個人情報保護管理運営会議 令和7年9月1日(月)" in ical_meetings(public).decode().replace("\r\n ", "")
    kyoju = next(r for r in export.records(public) if r["id"] == "kyoju-support-system")
    assert kyoju["会議"]["回"] is None and kyoju["経過"][0]["表示"] == "令和7年9月1日(月) 承認"
    monkeypatch.chdir(tmp_path)
    assert main(["docx", "--content", "content", "--out", "out"]) == 0
    assert (tmp_path / "out" / "meetings" / "2025-05.docx").is_file()
    assert "Word: 5 件" in capsys.readouterr().out
    assert main(["check", "--content", "content"]) == 0
    assert "会議概要 1 件" in capsys.readouterr().out


def test_two_meetings_without_numbers_on_one_date_are_an_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    content = make_content(tmp_path)
    text = "---\n開催日: 2026-05-11\n公開: true\n審議事項:\n  - 件名: 案内状の印刷の委託について\n    決定: 承認\n---\n"
    for name in ("a.md", "b.md"):
        (content / "meetings" / name).write_text(text, encoding="utf-8")
    _, problems = load_archive(content)
    assert [str(p) for p in problems] == [
        "c/meetings/b.md:2: 開催日: 回のない会議概要で開催日（2026-05-11）も同じものが c/meetings/a.md にもあります"
        " — どちらにも `回:`（第何回か）を書いて区別してください"]


def test_an_items_state_follows_the_meetings_that_heard_it(tmp_path, monkeypatch):
    """The record decides: 提出済 decided at a meeting shows 決定; not heard yet, it shows the forms' 未審議の表示."""
    from fugi.views import printed as view

    monkeypatch.chdir(tmp_path)
    content = make_content(tmp_path)
    shutil.copy(FIXTURES / "companions" / "private-item.md", content / "agendas" / "not-heard.md")
    archive, problems = load_archive(content)
    assert not problems.errors, [str(p) for p in problems]
    minimal = next(a for a in archive.agendas if a.id == "minimal")  # written 提出済, approved at the meeting
    assert (minimal.status, minimal.status_word) == ("decided", "決定")
    assert view.agenda_view(minimal, archive.forms).status == "決定"
    waiting = next(a for a in archive.agendas if a.id == "not-heard")
    shown = view.agenda_view(waiting, archive.forms)
    assert (shown.status, shown.meeting, shown.year, shown.decision) == ("提出済", None, "審議前", "審議中")


def test_a_state_the_record_contradicts_is_an_error_at_its_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    content = make_content(tmp_path)
    shutil.copy(FIXTURES / "companions" / "decided-item.md", content / "agendas" / "decided-item.md")
    _, problems = load_archive(content)
    assert [str(p) for p in problems] == [
        "c/agendas/decided-item.md:4: 状態: 決定ですが、この付議事項を審議した会議概要がありません — 状態を提出済にしてください"
        "（決定かどうかは会議概要の記録から決まります）。決定したなら、その会議概要の審議事項に `付議事項: decided-item` を加えてください"]
