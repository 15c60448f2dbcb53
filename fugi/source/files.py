"""Find content files, split YAML front matter from the Markdown body, and parse YAML keeping line numbers."""
from __future__ import annotations

import errno
import fnmatch
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from fugi.validate.limits import check_body, check_values
from fugi.problems import Problems
from fugi.source.yaml_check import check_text, scan_tokens
from fugi.source.yaml_words import describe

AGENDA_DIR = "agendas"
MEETING_DIR = "meetings"
CATALOG_DIR = "checklists"


class LMap(dict):
    """A dict that remembers the source line of itself, each key and each value."""

    line = 1
    key_lines: dict
    duplicates: list

    def line_of(self, key) -> int:
        return self.key_lines.get(key, self.line)


class LList(list):
    """A list that remembers the source line of itself and of each item."""

    line = 1
    item_lines: list

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when PyYAML has it: ~8x faster
    """SafeLoader that builds LMap/LList and keeps times like 10:00 as text."""

    first_line = 1  # the file line of the YAML text's first line


def _mapping(loader, node):
    loader.flatten_mapping(node)
    result = LMap()
    result.line = node.start_mark.line + loader.first_line
    result.key_lines, result.duplicates = {}, []
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int)):
            key = str(key)
        if key in result:
            result.duplicates.append((key, key_node.start_mark.line + loader.first_line))
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + loader.first_line
    return result


def _sequence(loader, node):
    result = LList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + loader.first_line
    result.item_lines = [child.start_mark.line + loader.first_line for child in node.value]
    return result


def _number(kind):
    base = getattr(yaml.SafeLoader, f"construct_yaml_{kind}")

    def construct(loader, node):
        if ":" in str(node.value):  # YAML 1.1 reads 10:00 as 600; a clerk means a time
            return loader.construct_scalar(node)
        return base(loader, node)

    return construct


def _timestamp(loader, node):
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:  # 2025-02-30: keep the text so validation reports it with its line
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)
_Loader.add_constructor("tag:yaml.org,2002:int", _number("int"))
_Loader.add_constructor("tag:yaml.org,2002:float", _number("float"))


@dataclass
class SourceFile:
    """One content file: its path, front matter (LMap) and Markdown body."""

    path: Path
    meta: LMap
    body: str = ""
    body_line: int = 1
    kind: str = ""
    stem: str = field(default="")
    path_display: str = ""  # the path as printed in problems
    front: str = ""  # the front matter as written (comments included), from the file's line 2


def parse_yaml(text: str, path, problems: Problems, first_line: int = 1):
    """Parse YAML text; report every problem at its line (in Japanese); return None on error.

    Before libyaml sees the text: invisible characters and nesting depth (libyaml's composer recurses on
    the C stack). Then the scanner's tokens (no nodes built): anchors/aliases are refused outright, so
    an alias bomb can never expand; tabs, open quotes and comments that would cut a value. Only then load.
    """
    lines = text.split("\n")
    findings = check_text(text, lines)
    if not findings:
        loader = _Loader(text)
        try:
            findings = scan_tokens(loader, text, lines)
        finally:
            loader.dispose()
    data = None
    if not any(not f.warning for f in findings):
        loader = _Loader(text)
        loader.first_line = first_line
        try:
            data = loader.get_single_data()
        except yaml.YAMLError as err:
            findings.append(describe(err, lines))
        finally:
            loader.dispose()
    for finding in findings:
        report = problems.warn if finding.warning else problems.error
        report(path, finding.line + first_line, "YAML", finding.message, finding.hint)
    if any(not f.warning for f in findings):
        return None
    check_values(data, path, problems, line=first_line)  # control characters, sizes, table widths: each at its line
    return data


@dataclass(frozen=True)
class Place:
    """The words file_problem says of a folder fugi reads: its name, how to put a file there, what a file there is."""
    name: str
    inside_hint: str
    regular_hint: str


CONTENT = Place("content/", "ファイルそのものを content/ の中に置いてください",
                "文書はエディタでふつうのテキストファイルとして保存してください")


def file_problem(path: Path, root: Path | None = None, place: Place = CONTENT) -> tuple:
    """(what is wrong, how to fix it) when a content file cannot be read safely, else (): a symlink whose target is
    missing or loops, a folder or a pipe/device under a file's name (never opened: a FIFO would hang the build),
    or — with `root` — a file that resolves outside content/ (what it points at would be published).  `place`: the
    folder's words (a council's templates/ is read the same way)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return ("リンク先のファイルがありません（シンボリックリンク）",
                "リンクを正しいファイルに張り直すか、ファイルそのものをここに置いてください")
    except OSError as err:
        if err.errno == errno.ELOOP:
            return ("シンボリックリンクが循環していて、ファイルにたどり着けません",
                    "リンクを正しいファイルに張り直すか、ファイルそのものをここに置いてください")
        return (f"ファイルを読めません（{err.strerror}）", "ファイルの読み取りの権限を確かめてください")
    if stat.S_ISDIR(mode):
        return ("ファイルではなくフォルダです", f"フォルダの名前を「{Path(path).suffix}」で終わらない名前に変えてください")
    if not stat.S_ISREG(mode):
        return ("ふつうのファイルではありません（名前付きパイプや装置など）", place.regular_hint)
    return outside_problem(path, root, place) if root is not None else ()


def outside_problem(path: Path, root: Path, place: Place = CONTENT) -> tuple:
    """(what is wrong, how to fix it) when `path` resolves outside `root` (a symlink out of it), else ()."""
    inside, real = Path(root).resolve(), Path(path).resolve()
    if inside != real and inside not in real.parents:
        return (f"{place.name} の外のファイルを指しています（シンボリックリンク）", place.inside_hint)
    return ()


def read_text(path: Path, problems: Problems, rel: str, root: Path | None = None):
    """Read a file as UTF-8; report an empty or non-UTF-8 file, and one that cannot be read safely (file_problem)."""
    why = file_problem(path, root)
    if why:
        problems.error(rel, 1, "ファイル", *why)
        return None
    try:
        data = path.read_bytes()
    except OSError as err:
        problems.error(rel, 1, "ファイル", f"ファイルを読めません（{err.strerror}）", "ファイルの読み取りの権限を確かめてください")
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        problems.error(rel, line, "ファイル", "UTF-8として読めない文字があります",
                       "エディタで文字コードをUTF-8にして保存し直してください（Shift_JISは使えません）")
        return None
    if not text.strip():
        problems.error(rel, 1, "ファイル", "ファイルが空です",
                       "`python build.py new` でひな形を作るか、ファイルを削除してください")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_front_matter(text: str, rel: str, problems: Problems):
    """Split '---' front matter from the body; returns (yaml_text, body, body_line) or None."""
    lines = text.split("\n")
    if lines[0].strip() != "---":
        problems.error(rel, 1, "フロントマター", "先頭行が `---` ではありません",
                       "ファイルの1行目に `---` を書き、項目を書いた後にもう一度 `---` の行で閉じてください")
        return None
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1:]), index + 2
    problems.error(rel, 1, "フロントマター", "フロントマターが閉じられていません",
                   "項目の最後に `---` だけの行を追加してください")
    return None


def load_markdown(path: Path, root: Path, kind: str, problems: Problems):
    """Load one Markdown content file into a SourceFile, or None with problems recorded."""
    rel = display_path(path, root)
    text = read_text(path, problems, rel, root)
    if text is None:
        return None
    parts = split_front_matter(text, rel, problems)
    if parts is None:
        return None
    yaml_text, body, body_line = parts
    check_body(body, body_line, rel, "本文", problems)
    meta = parse_yaml(yaml_text, rel, problems, first_line=2)
    if meta is None and not problems_for(problems, rel):
        problems.error(rel, 2, "フロントマター", "フロントマターが空です", "必須項目を書いてください")
    if meta is None:
        return None
    if not isinstance(meta, LMap):
        problems.error(rel, 2, "フロントマター", "フロントマターが「項目: 値」の形になっていません",
                       "各行を `項目: 値` のように書いてください")
        return None
    return SourceFile(path=path, meta=meta, body=body, body_line=body_line, kind=kind, stem=path.stem, path_display=rel,
                      front=yaml_text)


def load_yaml_file(path: Path, root: Path, problems: Problems):
    """Load a whole-YAML content file (the checklist catalog)."""
    rel = display_path(path, root)
    text = read_text(path, problems, rel, root)
    if text is None:
        return None
    data = parse_yaml(text, rel, problems)
    if data is None:
        return None
    if not isinstance(data, LMap):
        problems.error(rel, 1, "ファイル", "「項目: 値」の形になっていません", "YAMLの対応表として書いてください")
        return None
    return SourceFile(path=path, meta=data, kind="catalog", stem=path.stem, path_display=rel)


def problems_for(problems: Problems, rel: str) -> bool:
    return any(p.path == rel for p in problems)


#: The content folders as the user gave them (`--content ../other/x`), by their resolved path: see given_as().
_GIVEN: dict[Path, str] = {}


def given_as(content) -> None:
    """Remember how the user wrote the content folder, so that files outside the working folder are printed under
    that name (`../other/x/agendas/a.md`, a path that opens from here), not under the folder's bare name."""
    _GIVEN[Path(content).resolve()] = Path(content).as_posix()


def display_path(path: Path, root: Path) -> str:
    """Path as the clerk sees it: relative to the working directory when possible, else under the content folder as
    the user gave it (given_as), else relative to the content folder's parent."""
    path = Path(path)
    given = _GIVEN.get(Path(root).resolve()) if root else None
    for base, prefix in ((Path.cwd(), None), (root, given), (root.parent if root else None, None)):
        if base is None or (base is root and given is None):
            continue
        for mine, theirs in ((Path(os.path.abspath(path)), Path(os.path.abspath(base))),  # a symlink as named
                             (Path(os.path.realpath(path)), Path(os.path.realpath(base)))):  # never raises on a loop
            try:
                inside = mine.relative_to(theirs).as_posix()
            except ValueError:
                continue
            if prefix is None:
                return inside
            return prefix if inside == "." else f"{prefix.rstrip('/')}/{inside}"
    return path.as_posix()


#: A content file's name is its page's address (/agendas/<name>/) and its handle in meeting files.
NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
RESERVED = ("index",)  # agendas/index.md and meetings/index.md are the list pages of the site


def name_problem(name: str) -> str:
    """Why a file name cannot be an item's or a meeting's name (it becomes its URL), or ""."""
    if not NAME.match(name):
        return "半角英小文字・数字・ハイフンで書いてください（例: aircon-josei）。ファイル名はサイトの URL になります"
    if name in RESERVED:
        return f"「{name}」は一覧ページの名前なので使えません。別の名前にしてください"
    return ""


def named_files(folder: Path, root: Path, problems: Problems, pattern: str = "*.md", names: bool = True) -> list:
    """The files of a folder that may be read: inside content/ (a symlink out is refused: whatever it points at
    would be published) and, for items and meetings, named so that the name can be an address."""
    found, inside, real_folder = [], Path(root).resolve(), Path(folder).resolve()
    folder_inside = inside == real_folder or inside in real_folder.parents
    try:
        entries = sorted((e.name, e.is_symlink()) for e in os.scandir(folder) if fnmatch.fnmatchcase(e.name, pattern))
    except OSError:
        entries = []  # folder.glob(pattern): no folder, no files
    for name, link in entries:  # os.scandir, not Path.glob: thousands of files are listed on every build
        path = folder / name
        if name.startswith(".#"):
            continue  # the lock an editor (Emacs) keeps beside a file being edited: not a document
        why = name_problem(path.stem) if names else ""
        unsafe = file_problem(path)
        if unsafe:
            problems.error(display_path(path, root), 1, "ファイル", *unsafe)
            continue
        real = path.resolve() if link else None  # a file itself is where its folder is
        if why:
            problems.error(display_path(path, root), 1, "ファイル名", f"「{path.name}」はファイル名に使えません", why)
        elif not (folder_inside if real is None else inside in real.parents):
            problems.error(display_path(path, root), 1, "ファイル", "content/ の外のファイルを指しています（シンボリックリンク）",
                           "ファイルそのものを content/ の中に置いてください")
        else:
            found.append(path)
    return found


def load_tree(root: Path, problems: Problems):
    """Load every agenda, meeting and catalog file under the content root."""
    root = Path(root)
    if not root.is_dir():
        problems.error(str(root), 1, "--content", "コンテンツのフォルダがありません",
                       "`--content` に agendas/ と meetings/ を含むフォルダを指定してください")
        return [], [], []
    missing = [name for name in (AGENDA_DIR, MEETING_DIR) if not (root / name).is_dir()]
    if missing:
        problems.error(display_path(root, root), 1, "--content",
                       f"コンテンツのフォルダではありません（{'・'.join(n + '/' for n in missing)} がありません）",
                       "`--content` には agendas/ と meetings/ を含むフォルダ（既定: content/）を指定してください")
        return [], [], []
    agendas = [load_markdown(p, root, "agenda", problems) for p in named_files(root / AGENDA_DIR, root, problems)]
    meetings = [load_markdown(p, root, "meeting", problems) for p in named_files(root / MEETING_DIR, root, problems)]
    catalog = [load_yaml_file(p, root, problems) for p in named_files(root / CATALOG_DIR, root, problems, "*.yml", False)]
    keep = lambda files: [f for f in files if f is not None]  # noqa: E731
    return keep(agendas), keep(meetings), keep(catalog)
