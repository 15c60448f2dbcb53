"""Reading YAML (fugi/source/files.py with yaml_check.py and yaml_words.py): each fixture under tests/fixtures/yaml/ is one
real or hostile mistake, reported in Japanese at its line, the same with libyaml and with pure-Python PyYAML."""
from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fugi.source import files as load
from fugi.cli import main
from fugi.problems import Problems, quote
from fugi.source.yaml_check import MAX_DEPTH, depth_bound
from fugi.source.yaml_words import GENERIC_HINT, explain

from conftest import REPORT
from contents import complete

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
REPO = HERE.parent

WRONG = "YAML: YAMLの書き方に誤りがあります"
QUOTE_EXAMPLE = "値全体を引用符で囲んでください（例: `項目: \"{}…\"`。fugi では{}は使えません）"
ANCHOR = (f"{WRONG}（{{}}文字目: 「&」で始まる値はYAMLのアンカーとして読まれます） — "
          + QUOTE_EXAMPLE.format("&", "アンカー「&」・エイリアス「*」"))
COMMENT = ("YAML: 「 #2 の委託について」はYAMLのコメントとして読み飛ばされます — "
           "値に含めるなら値全体を引用符で囲んでください（コメントなら # の前に空白を2つ置いてください）")
FULL_WIDTH = "項目名の後は半角のコロンと半角スペースにしてください（`項目: …`）"

EXPECTED = {
    "alias-bomb.md": [f"2: {ANCHOR.format(6)}"] + [f"{line}: {ANCHOR.format(7)}" for line in range(3, 11)],
    "asterisk.md": [
        f"21: {WRONG}（11文字目: 「*」で始まる値はYAMLのエイリアス（別名の参照）として読まれます） — "
        + QUOTE_EXAMPLE.format("*", "アンカー「&」・エイリアス「*」"),
    ],
    "at-sign.md": [f"16: {WRONG}（7文字目: 「@」で始まる値は書けません） — 値全体を引用符で囲んでください"],
    "backslash.md": [
        f"22: {WRONG}（20文字目: 「\\」の後に使えない文字があります） — 「\\」をそのまま書くなら値を ' で囲むか、「\\\\」と2つ重ねてください",
    ],
    "byte-order-mark.md": [
        f"10: {WRONG}（1文字目: 見えない文字（U+FEFF）があります） — この文字を消してください（ほかの文書から貼り付けたときに紛れ込みます）",
    ],
    "deep-nesting.md": [
        f"13: {WRONG}（55文字目: 入れ子が50段を超えています） — 項目の入れ子は数段で足ります。字下げと [ ] {{ }} の閉じ忘れを確かめてください",
    ],
    "full-width-colon.md": [f"11: {WRONG}（6文字目: 全角のコロン「：」があります） — {FULL_WIDTH}"],
    "full-width-indent.md": [f"14: {WRONG}（1文字目: 項目名の前に全角スペースがあります） — 字下げは半角スペースで書いてください"],
    "full-width-space-after-colon.md": [
        f"4: {WRONG}（4文字目: 「:」の後が全角スペースです） — 「:」の後は半角スペースにしてください（`項目: …`）",
    ],
    "inline-comment.md": [f"2: {COMMENT}", f"16: {COMMENT}"],
    "missing-colon.md": [  # YAML reads `件名 テスト…` and the next line as one key: the colon missing is line 2's
        f"2: {WRONG}（3文字目: 「項目: 値」のコロンがありません） — `項目: …` のように、項目名の後に半角のコロンと半角スペースを書いてください",
    ],
    "no-space-after-colon-above.md": [  # `件名:テスト…` above `資料番号: 1`: one key again, the mistake line 2's
        f"2: {WRONG}（3文字目: 「:」の後に半角スペースがありません） — `項目: …` のように「:」の後に半角スペースを書いてください",
    ],
    "no-space-after-colon.md": [
        f"5: {WRONG}（3文字目: 「:」の後に半角スペースがありません） — `項目: …` のように「:」の後に半角スペースを書いてください",
    ],
    "python-tag.md": [
        f"2: {WRONG}（5文字目: 「!」で始まる値はYAMLのタグとして読まれます） — " + QUOTE_EXAMPLE.format("!", "タグ"),
    ],
    "tab-after-colon.md": [f"3: {WRONG}（6文字目: タブ文字があります） — 字下げや区切りにタブは使えません。半角スペースにしてください"],
    "unclosed-quote-at-end.md": [f"24: {WRONG}（11文字目: 引用符「'」が閉じていません） — 値の終わりにも「'」を書いてください"],
    "unclosed-quote.md": [
        f"13: {WRONG}（7文字目: 引用符「\"」が閉じていません） — 値の終わりにも「\"」を書いてください"
        "（このままでは9行下の「結合の形態: \"LGWAN回線で接続する…」までが1つの値になります）",
    ],
}


def messages(path: Path) -> list:
    problems = Problems()
    load.load_markdown(path, FIXTURES, "agenda", problems)
    return [str(p).split(":", 1)[1] for p in problems.sorted()]


def test_every_fixture_has_an_expectation():
    assert sorted(p.name for p in (FIXTURES / "yaml").glob("*.md")) == sorted(EXPECTED)


@pytest.mark.parametrize("loader", ["libyaml", "python"])
@pytest.mark.parametrize("fixture", sorted(EXPECTED))
def test_mistake_is_reported_exactly_with_either_parser(monkeypatch, fixture, loader):
    base = yaml.SafeLoader if loader == "python" else getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    monkeypatch.setattr(load, "_Loader", type("L", (base,), dict(vars(load._Loader))))
    assert load._Loader.__mro__[1] is base
    assert messages(FIXTURES / "yaml" / fixture) == EXPECTED[fixture]


def front(text: str):
    problems = Problems()
    data = load.parse_yaml(text, "x.md", problems, first_line=2)
    return data, [str(p) for p in problems]


def test_comments_with_two_spaces_and_hashes_inside_values_are_kept():
    """The scaffold's and the checklists' comments (two spaces before #) and # inside quotes or | text are fine."""
    data, problems = front('状態: 下書き  # 下書き / 提出済 / 決定\n件名: "電子申請 #2 の委託"\n'
                           "注記: 'A #1'\n番号: 第#2号\n目的: |\n  テスト #2 の本文\n  # 見出しではない行\n"
                           "文言:\n  - 一つめの文  # 1\n  - 二つめの文\t\t# 2\n# 行全体のコメント #\n")
    assert problems == ["x.md:11: YAML: YAMLの書き方に誤りがあります（10文字目: タブ文字があります） — "
                        "字下げや区切りにタブは使えません。半角スペースにしてください"]
    data, problems = front('状態: 下書き  # 下書き / 提出済 / 決定\n件名: "電子申請 #2 の委託"\n'
                           "注記: 'A #1'\n番号: 第#2号\n目的: |\n  テスト #2 の本文\n  # 見出しではない行\n"
                           "文言:\n  - 一つめの文  # 1\n# 行全体のコメント #\n")
    assert problems == []
    assert data == {"状態": "下書き", "件名": "電子申請 #2 の委託", "注記": "A #1", "番号": "第#2号",
                    "目的": "テスト #2 の本文\n# 見出しではない行\n", "文言": ["一つめの文"]}


@pytest.mark.parametrize("command", ["check", "docx", "site", "review"])
def test_a_comment_that_cuts_a_value_is_an_error_for_every_command(tmp_path, monkeypatch, capsys, command):
    """「電子申請 #2 の委託について」 would be published as 「電子申請」: every command refuses it, with check's lines."""
    content = tmp_path / "content"
    (content / "meetings").mkdir(parents=True)
    (content / "agendas").mkdir()
    (content / "agendas" / "minimal.md").write_bytes((FIXTURES / "yaml" / "inline-comment.md").read_bytes())
    complete(content)
    monkeypatch.chdir(tmp_path)
    assert main([command, "--content", "content", *(["--out", "out"] if command in ("docx", "site") else [])]) == 1
    out, err = capsys.readouterr()
    assert [line for line in (out + err).splitlines() if line.startswith("content/")] == [  # review: on stderr
        f"content/agendas/minimal.md:2: {COMMENT}", f"content/agendas/minimal.md:16: {COMMENT}"]
    assert "Traceback" not in out + err and not (tmp_path / "out").exists()


def test_invisible_characters_are_listed_by_line_then_counted():
    _, problems = front("a: \x07\n" * 25)
    assert len(problems) == 21 and problems[0] == (
        f"x.md:2: {WRONG}（4文字目: 見えない文字（U+0007）があります） — この文字を消してください（ほかの文書から貼り付けたときに紛れ込みます）")
    assert problems[-1] == f"x.md:22: {WRONG}（1文字目: この行から後の5行にも見えない文字があります） — これらの文字を消してください"


def test_long_bracket_heavy_yaml_is_refused_in_bounded_time():
    """Over 50 brackets, the cheap bound cannot clear a file; the exact pure-Python check reads 100,000 characters at most."""
    started = time.monotonic()
    data, problems = front("\n".join(f"k{i}: [a, {{b: c}}]" for i in range(60000)))
    seconds = time.monotonic() - started
    REPORT.append(f"1 MB of shallow flow collections: refused after {seconds:.2f} s")
    assert seconds < 10  # about 1 s on an idle machine; this one is shared
    assert data is None and problems == [
        f"x.md:5323: {WRONG}（12文字目: 括弧 [ ] {{ }} の多いYAMLが長すぎます（100,000文字まで）） — 値を減らすか、ファイルを分けてください"]
    data, problems = front("\n".join(f"k{i}: [a, {{b: c}}]" for i in range(20)))
    assert problems == [] and data["k19"] == ["a", {"b": "c"}]


def test_quote_shortens_long_values_to_one_line():
    assert quote("電子申請") == "「電子申請」"
    assert quote("あ" * 41) == "「" + "あ" * 40 + "…」"
    assert quote("lol" * 10**6, 10) == "「lollolloll…」"
    assert quote("一行目\n二行目\x07") == "「一行目 二行目�」"


#: Every problem text PyYAML's and libyaml's scanner, parser and composer can raise under a SafeLoader.
PARSER_PROBLEMS = [
    "found character '\\t' that cannot start any token", "found character that cannot start any token",
    "could not find expected ':'", "mapping values are not allowed here", "mapping values are not allowed in this context",
    "sequence entries are not allowed here", "block sequence entries are not allowed in this context",
    "mapping keys are not allowed here", "mapping keys are not allowed in this context",
    "expected <block end>, but found '<scalar>'", "did not find expected key", "did not find expected '-' indicator",
    "expected ',' or ']', but got '<stream end>'", "did not find expected ',' or ']'",
    "expected ',' or '}', but got ':'", "did not find expected ',' or '}'", "found unexpected end of stream",
    "found unknown escape character 'q'", "found unknown escape character",
    "expected escape sequence of 8 hexadecimal numbers, but found '共'", "did not find expected hexdecimal number",
    "found invalid Unicode character escape code", "expected a single document in the stream", "but found another document",
    "found unexpected document separator", "found unexpected document indicator",
    "expected '<document start>', but found '<block mapping start>'", "did not find expected <document start>",
    "expected the node content, but found ','", "did not find expected node content",
    "expected chomping or indentation indicators, but found 'x'", "found an indentation indicator equal to 0",
    "expected indentation indicator in the range 1-9, but found 0", "did not find expected comment or line break",
    "found a tab character that violates indentation", "found a tab character where an indentation space is expected",
    "found undefined alias 'x'", "found duplicate anchor 'x'; first occurrence", "second occurrence",
    "could not determine a constructor for the tag '!x'", "found undefined tag handle",
    "found unknown directive name", "found duplicate %YAML directive", "found incompatible YAML document",
    "expected alphabetic or numeric character, but found '重'", "did not find expected alphabetic or numeric character",
    "found unexpected ':'", "control characters are not allowed", "special characters are not allowed",
]


@pytest.mark.parametrize("problem", PARSER_PROBLEMS)
def test_every_parser_problem_has_japanese_words(problem):
    what, hint = explain(problem)
    assert hint != GENERIC_HINT and not re.search(r"[a-z]{3}", what + hint.replace("fugi", "")), (what, hint)


def test_unknown_parser_problem_still_reads_japanese():
    assert explain("something new in PyYAML 7") == ("YAMLとして読めない書き方です", GENERIC_HINT)


YAMLISH = st.lists(st.sampled_from(["- ", "? ", ": ", ":", "a", "b: ", "[", "]", "{", "}", ", ", "\n", " ", "  ",
                                    "    ", "'", '"', "#", "|", ">", "!t ", "\\", "-"]), max_size=80).map("".join)


def true_depth(text: str) -> int:
    loader, depth, deepest = yaml.SafeLoader(text), 0, 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                deepest = max(deepest, depth)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        pass
    return deepest


@settings(derandomize=True, max_examples=1500, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(YAMLISH)
def test_depth_bound_is_never_below_the_real_depth(text):
    """The cheap pre-scan decides whether libyaml may see the text: it must never under-estimate."""
    assert depth_bound(text, text.split("\n")) >= true_depth(text)


def hostile(kind: str) -> tuple:
    """(front matter text, the line and message expected) for the resource test."""
    deep = f"（{{}}文字目: 入れ子が{MAX_DEPTH}段を超えています）"
    if kind == "alias bomb":
        return (FIXTURES / "yaml" / "alias-bomb.md").read_text(encoding="utf-8"), 2, "「&」で始まる値はYAMLのアンカー"
    if kind == "1,000 levels, block":
        levels = "".join(" " * i + "a:\n" for i in range(1000))
        return f"---\n{levels}---\n", 2 + MAX_DEPTH, deep.format(MAX_DEPTH + 1)
    if kind == "1,000 levels, flow":
        return "---\n件名: " + "[" * 1000 + "]" * 1000 + "\n---\n", 2, deep.format(MAX_DEPTH + 4)
    if kind == "30,000 levels, block":
        return "---\n件名:\n  " + "- " * 30000 + "x\n---\n", 3, deep.format(2 * MAX_DEPTH + 1)
    return "---\n件名: " + "{a: " * 30000 + "b" + "}" * 30000 + "\n---\n", 2, deep.format(4 * MAX_DEPTH + 1)


#: Runs build.py as `python build.py …` would, then prints the process's own peak RSS (VmHWM counts from exec,
#: unlike ru_maxrss, which a vforked child inherits from the test process).
PEAK = """
import runpy, sys
sys.argv = sys.argv[1:]
try:
    runpy.run_path(sys.argv[0], run_name="__main__")
except SystemExit as done:
    code = done.code
hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")][0].split()[1]
print(f"PEAK-KB {hwm}")
sys.exit(code)
"""


@pytest.mark.parametrize("kind", ["alias bomb", "1,000 levels, block", "1,000 levels, flow",
                                  "30,000 levels, block", "30,000 levels, flow"])
def test_hostile_yaml_fails_fast_and_small(tmp_path, kind):
    """`build.py check` in a fresh process: exit 1 with the line, under 2 s and 200 MB, no expanded value."""
    text, line, words = hostile(kind)
    content = tmp_path / "content"
    (content / "agendas").mkdir(parents=True)
    (content / "meetings").mkdir()
    (content / "agendas" / "x.md").write_text(text, encoding="utf-8")
    started = time.monotonic()
    try:  # the old code never finished the bomb
        result = subprocess.run([sys.executable, "-c", PEAK, str(REPO / "build.py"), "check", "--content", str(content)],
                                cwd=tmp_path, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{kind}: no answer in 60 s")
    seconds = time.monotonic() - started
    assert "PEAK-KB " in result.stdout, (result.returncode, result.stdout[-2000:], result.stderr[-2000:])  # -11: segfault
    output, peak = result.stdout.rsplit("PEAK-KB ", 1)
    megabytes = int(peak) / 1024
    REPORT.append(f"{kind}: exit {result.returncode}, {seconds:.2f} s, {megabytes:.0f} MB peak RSS")
    output += result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output and "lol" not in output and len(output) < 3000, output
    assert re.search(rf"^content/agendas/x\.md:{line}: YAML: YAMLの書き方に誤りがあります.*{re.escape(words)}",
                     output, re.M), output
    assert seconds < 2 and megabytes < 200, (seconds, megabytes)


def test_content_from_another_folder_printed_under_its_bare_name(tmp_path, monkeypatch, capsys):
    """Issue 25: `--content ../other/x` run from another folder printed `x/agendas/…`, a path that exists neither
    from the working folder nor absolutely: paths are printed as the user gave the folder."""
    import shutil

    content = tmp_path / "other" / "x"
    shutil.copytree(FIXTURES / "base", content)
    complete(content)
    shutil.copy(FIXTURES / "mistakes" / "impossible-date.md", content / "agendas")
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    monkeypatch.setenv("FUGI_CACHE", "off")
    for given in ("../other/x", str(content)):
        assert main(["check", "--content", given]) == 1
        (line,) = capsys.readouterr().out.splitlines()
        path = line.split(":", 1)[0]
        assert path == f"{given}/agendas/impossible-date.md" and Path(path).is_file()
