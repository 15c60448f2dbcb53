"""Builds the site once per test process (shared by test_render_site, test_export and test_site_browser).

- archive_site(): content/ as it is, through the real pipeline (Word files + site), like `python build.py`.
- planted_site(): a copy of content/ with a draft, a non-public item, a non-public meeting (each carrying
  a unique word), a public meeting that withholds the non-public item and the remarks about it (another unique
  word), an item decided over two meetings (継続審議, then 条件付承認 with conditions; a 「－」 row with its reason)
  and an item full of hostile text, plus fake Word/PDF files for every id.
"""
from __future__ import annotations

import atexit
import functools
import gzip
import io
import shutil
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CONTENT = REPO / "content"

DRAFT_WORD = "zqxdraftleak"
DRAFT_WORD_JA = "ひみつ下書き語"
PRIVATE_WORD = "qjvprivateleak"
PRIVATE_WORD_JA = "ないしょ非公開語"
MEETING_WORD = "kwmeetingleak"
REMARK_WORD = "vxwithheldremark"  # in the remarks a public meeting withholds (about the non-public item)
REMARK_WORD_JA = "ないしょの発言語"
SECRET_WORDS = (DRAFT_WORD, DRAFT_WORD_JA, PRIVATE_WORD, PRIVATE_WORD_JA, MEETING_WORD, REMARK_WORD, REMARK_WORD_JA)
SECRET_IDS = ("zz-draft-item", "zz-private-item", "zz-private-meeting")

HOSTILE_ID = "zz-hostile"
HOSTILE_TITLE = '<script>alert("xss")</script> {{ 7*7 }} [リンク](javascript:alert(1)) **太字** | # 見出し {% raw %}'
HOSTILE_PARTNER = "<img src=x onerror=alert(2)>株式会社"
HOSTILE_SECTION = "{{ config }}課"
HOSTILE_ROW = "<b>追加</b>の対策 [x](javascript:alert(3)) {: onclick=alert(4) }"


def _agenda(title, number, status, public, word, extra_body="", section="総務課", partner="相手方株式会社",
            added_row=None, checklist=""):
    added = checklist
    if added_row:
        added = (
            "    区:\n      運用上の対策:\n        追加:\n"
            f"          - {{印: ○, 文言: {_q(added_row)}}}\n"
        )
    return f"""---
件名: {_q(title)}
資料番号: {number}
状態: {status}
公開: {public}
要綱の根拠: [外部結合]
担当部課:
  - 部: 総務部
    課: [{_q(section)}]
事業の概要:
  事業名: {word} 事業
  担当課: [{_q(section)}]
  目的: {word} の目的
  対象者: 区民
外部結合:
  件名: {word} の外部結合について
  保有課: [{_q(section)}]
  登録業務の名称: {word} 業務
  結合される情報項目: 氏名、住所
  結合の相手方:
    - 名称: {_q(partner)}
  結合する理由: {word} のため
  結合の形態: LGWAN 回線で接続する
  結合の開始時期と期間:
    - 開始: 2026-04-01
  情報保護対策: 別紙チェックリストのとおり
チェックリスト:
  外部結合:{" {}" if not added else ""}
{added}---
## 1 概要

{word} の本文です。
{extra_body}
"""


def _q(text: str) -> str:
    """A YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


PRIVATE_MEETING = f"""---
回: 99
開催日: 2026-01-15
公開: false
審議内容: 要綱第3条第3号に掲げる事項
審議事項:
  - 件名: {MEETING_WORD} の委託について
    決定: 承認
---
- {MEETING_WORD} についての助言
"""

RECORD_ID = "zz-record-item"
CONDITION_WORDS = ("ぽんかん運用状況", "きんかん接続先")
REASON_WORD = "すだち理由語"

PUBLIC_MEETING = f"""---
回: 98
開催日: 2026-02-02
公開: true
審議内容: 要綱第3条第3号に掲げる事項
審議事項:
  - 付議事項: zz-private-item
    決定: 条件付承認
    条件: {REMARK_WORD} の条件
    非公開: true
  - 付議事項: {RECORD_ID}
    決定: 条件付承認
    条件:
      - {CONDITION_WORDS[0]}を年に1回報告すること。
      - {CONDITION_WORDS[1]}の変更は事前に報告すること。
発言:
  - 審議事項: 1
    発言:
      - 発言者: 会員
        内容: {REMARK_WORD} {REMARK_WORD_JA} について伺います。
  - 審議事項: 2
    発言:
      - 発言者: 会員
        内容: 条件の報告は誰が受けるのか。
---
"""

FIRST_MEETING = f"""---
回: 97
開催日: 2026-01-20
公開: true
審議内容: 要綱第3条第3号に掲げる事項
審議事項:
  - 付議事項: {RECORD_ID}
    決定: 継続審議
---
"""

HOSTILE_BODY = """
<script>alert("body")</script>

<img src=x onerror=alert(5)>

[危ないリンク](javascript:alert(6)) と ![外の画像](https://example.com/tracker.png) と {{ 7*7 }} と {% if x %}

**太字はそのまま Markdown として表示** されます。
"""


def plant(content: Path) -> None:
    (content / "agendas" / "zz-draft-item.md").write_text(
        _agenda(f"下書きの付議事項 {DRAFT_WORD} {DRAFT_WORD_JA}", 901, "下書き", "true", DRAFT_WORD,
                section=f"{DRAFT_WORD}課", partner=f"{DRAFT_WORD}株式会社"), encoding="utf-8")
    (content / "agendas" / "zz-private-item.md").write_text(
        _agenda(f"非公開の付議事項 {PRIVATE_WORD} {PRIVATE_WORD_JA}", 902, "提出済", "false", PRIVATE_WORD,
                section=f"{PRIVATE_WORD}課", partner=f"{PRIVATE_WORD}株式会社"), encoding="utf-8")
    (content / "meetings" / "zz-private-meeting.md").write_text(PRIVATE_MEETING, encoding="utf-8")
    # a public meeting that deliberated the non-public item (withheld: no title, conditions or remarks) and decided
    # the record item the first meeting had continued
    (content / "meetings" / "zz-public-meeting.md").write_text(PUBLIC_MEETING, encoding="utf-8")
    (content / "meetings" / "zz-first-meeting.md").write_text(FIRST_MEETING, encoding="utf-8")
    reason = f"    相手方:\n      運用上の対策:\n        4: {{印: －, 理由: {REASON_WORD}のため}}\n"
    (content / "agendas" / f"{RECORD_ID}.md").write_text(
        _agenda("二度審議した付議事項", 904, "決定", "true", "record", checklist=reason), encoding="utf-8")
    (content / "agendas" / f"{HOSTILE_ID}.md").write_text(
        _agenda(HOSTILE_TITLE, 903, "提出済", "true", "hostile", extra_body=HOSTILE_BODY, section=HOSTILE_SECTION,
                partner=HOSTILE_PARTNER, added_row=HOSTILE_ROW), encoding="utf-8")


def fake_pdfs(docx: Path) -> None:
    """A stand-in PDF beside every Word file (LibreOffice is tested in test_pdf; here only the links matter)."""
    for document in docx.rglob("*.docx"):
        document.with_suffix(".pdf").write_bytes(b"%PDF-1.7 fake " + document.stem.encode())


def _tmp() -> Path:
    path = Path(tempfile.mkdtemp(prefix="fugi-site-test-"))
    atexit.register(shutil.rmtree, path, True)
    return path


@functools.lru_cache(maxsize=None)
def planted_site() -> Path:
    """The site built (through the pipeline) from content/ plus the planted files; returns site/.

    The clerks' Word files (drafts and non-public ones included) are built first into docx/, with a stand-in
    PDF beside each; the site must take none of them but the public ones."""
    from fugi import pipeline
    from fugi.build.outputs import writing
    from fugi.site.mkdocs_site import write_site

    root = _tmp()
    content = root / "content"
    shutil.copytree(CONTENT, content)
    plant(content)
    docx = root / "docx"
    pipeline.build(content, docx_out=docx, report=lambda line: None)
    fake_pdfs(docx)
    archive = pipeline.checked_archive(content, report=lambda line: None)
    site = root / "site"
    with writing({"site": site}, content) as outputs:
        write_site(archive, outputs.stage("site"), content, docx_dir=docx, work=outputs.scratch("site"))
    return site


@functools.lru_cache(maxsize=None)
def archive_site() -> Path:
    """content/ as it is, Word files and site together (what `python build.py` does); returns site/."""
    from fugi import pipeline

    root = _tmp()
    pipeline.build(CONTENT, docx_out=root / "docx", site_out=root / "site", report=lambda line: None)
    return root / "site"


def output_texts(site: Path):
    """(path, text) for every file of the site; gzip files (Pagefind's index and fragments) decompressed, and
    every part of a zip (the Word downloads) as text of its own."""
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        if data[:4] == b"PK\x03\x04":
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                for name in package.namelist():
                    yield path / name, package.read(name).decode("utf-8", errors="replace")
        yield path, data.decode("utf-8", errors="replace")


@functools.lru_cache(maxsize=None)
def synthetic_site(items: int = 1000) -> Path:
    """A site of the benchmark's synthetic archive (bench/bench_site.py: N varied items, N/10 meetings), built
    through the pipeline with its Word downloads but no PDFs; returns site/."""
    import sys

    from fugi import pipeline

    sys.path.insert(0, str(REPO / "bench"))
    from bench_site import synthetic_content

    root = _tmp()
    content = synthetic_content(root / "content", items)
    pipeline.build(content, docx_out=root / "docx", site_out=root / "site", site_pdf=False, report=lambda line: None)
    return root / "site"
