"""Markdown -> WordprocessingML: one method per token type, Japanese line breaks, no raw HTML."""
from __future__ import annotations

from lxml import etree
from markdown_it import MarkdownIt

from fugi.word.markdown_docx import STYLE_NAMES, WordRenderer, render_markdown

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
IDS = {name: f"S{index}" for index, name in enumerate(STYLE_NAMES.values())}  # as a template would give
NAMES = {v: k for k, v in IDS.items()}


def blocks(markdown: str):
    xml = str(render_markdown(markdown, IDS))
    root = etree.fromstring(f'<w:body xmlns:w="{W}">{xml}</w:body>')  # well-formed, no recovery
    return list(root)


def para(p) -> tuple[str, str]:
    """(style name, text) of a <w:p>; line breaks as ⏎."""
    style = p.find("w:pPr/w:pStyle", NS)
    text = "".join("⏎" if n.tag.endswith("}br") else (n.text or "") for n in p.iter(f"{{{W}}}t", f"{{{W}}}br"))
    return (NAMES.get(style.get(f"{{{W}}}val")) if style is not None else None), text


def paras(markdown: str):
    return [para(p) for p in blocks(markdown) if p.tag == f"{{{W}}}p"]


SAMPLE = """\
# 見出し

## 1 概要

本文の*強調*と**太字**と~~取消~~と`code`と[リンク](https://example.jp)と![図](a.png)。
改行\\
強制改行。

### (1) 外部結合

- 項目
  1. 番号
- ① 既に印がある

> 引用

```
コード
二行目
```

    字下げコード

| 列1 | 列2 |
| --- | --- |
| a | b |

---
<div>html</div>
"""


def test_every_token_type_has_a_method():
    types = set()
    for token in MarkdownIt("js-default").parse(SAMPLE):
        types.add(token.type)
        types.update(child.type for child in token.children or [])
    assert {"heading_open", "bullet_list_open", "ordered_list_open", "blockquote_open", "fence", "code_block",
            "table_open", "th_open", "td_open", "hr", "strong_open", "em_open", "s_open", "code_inline",
            "link_open", "image", "softbreak", "hardbreak"} <= types
    missing = [t for t in types if not callable(getattr(WordRenderer, t, None))]
    assert not missing
    blocks(SAMPLE)  # renders to well-formed XML


def test_numbered_headings_keep_the_originals_numbers():
    assert paras("## 1 概要\n\n本文。\n\n### (1) 外部結合\n\n説明。\n\n## 2 対象者数\n\n1,100 世帯") == [
        ("本文見出し 1", "1 概要"), ("本文 1", "本文。"),
        ("本文見出し 2", "(1) 外部結合"), ("本文 2", "説明。"),
        ("本文見出し 1", "2 対象者数"), ("本文 1", "1,100 世帯")]


def test_heading_levels_are_relative_to_the_shallowest():
    assert paras("# A\n\n## B")[0][0] == "本文見出し 1"
    assert paras("### A\n\n#### B") == [("本文見出し 1", "A"), ("本文見出し 2", "B")]


def test_soft_line_break_between_japanese_characters_is_nothing():
    assert paras("居住サポート住宅の\n認定を行う。") == [("本文 1", "居住サポート住宅の認定を行う。")]
    assert paras("Web API\nを使う") == [("本文 1", "Web APIを使う")]
    assert paras("English\nwords") == [("本文 1", "English words")]


def test_hard_break_is_a_word_line_break():
    assert paras("一行目\\\n二行目")[0][1] == "一行目⏎二行目"


def test_raw_html_is_text():
    assert paras("<script>alert(1)</script> & <b>x</b>") == [("本文 1", "<script>alert(1)</script> & <b>x</b>")]
    assert paras("<div>\nblock\n</div>")[0][1].startswith("<div>")


def test_template_code_is_text():
    assert paras("{{ x }} {% if y %} {{p z }}") == [("本文 1", "{{ x }} {% if y %} {{p z }}")]


def test_lists_get_marks_and_levels():
    assert paras("- 項目\n  - 入れ子\n- ① 印つき\n\n1. 一\n2. 二") == [
        ("箇条書き 1", "・項目"), ("箇条書き 2", "・入れ子"), ("箇条書き 1", "① 印つき"),
        ("箇条書き 1", "1. 一"), ("箇条書き 1", "2. 二")]
    assert paras("- 項目\n\n  続きの段落") == [("箇条書き 1", "・項目"), ("箇条書き続き 1", "続きの段落")]


def test_emphasis_and_code_are_run_properties():
    p = blocks("普通**太字**と`code`")[0]
    runs = p.findall("w:r", NS)
    assert [r.find("w:t", NS).text for r in runs] == ["普通", "太字", "と", "code"]
    assert runs[1].find("w:rPr/w:b", NS) is not None
    assert runs[3].find("w:rPr/w:rFonts", NS).get(f"{{{W}}}eastAsia") == "ＭＳ ゴシック"


def test_link_shows_where_it_goes():
    assert paras("[区のサイト](https://www.city.shinjuku.lg.jp/)")[0][1] == "区のサイト（https://www.city.shinjuku.lg.jp/）"
    assert paras("<https://example.jp>")[0][1] == "https://example.jp"


def test_table_becomes_a_word_table_with_a_repeated_header():
    table = [b for b in blocks("| 項目 | 値 |\n| --- | --- |\n| a | b |") if b.tag == f"{{{W}}}tbl"][0]
    rows = table.findall("w:tr", NS)
    assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
    assert [para(p)[1] for p in rows[1].iter(f"{{{W}}}p")] == ["a", "b"]
    assert table.find("w:tblPr/w:tblStyle", NS).get(f"{{{W}}}val") == IDS["Table Grid"]
    assert blocks("| a |\n| - |\n| b |")[-1].tag == f"{{{W}}}p"  # a cell must end with a paragraph


def test_code_block_keeps_its_lines():
    assert paras("```\nA  B\nC\n```") == [("コード", "A  B⏎C")]


def test_characters_xml_cannot_hold_are_dropped():
    assert paras("a\x01b\x0bc & <d>") == [("本文 1", "abc & <d>")]


def test_empty_text_gives_one_paragraph():
    assert len(blocks("")) == 1


def test_style_names_fall_back_to_themselves():
    xml = str(WordRenderer().render("本文"))
    assert 'w:val="本文 1"' in xml
