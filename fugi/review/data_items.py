"""The data-item vocabulary (content/vocabulary/data-items.yml): classes of personal data and the names that mean them."""
from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from fugi.source.files import LList, load_yaml_file
from fugi.problems import shown
from fugi.source.reader import Context, Reader, hint_choices

VOCABULARY_FILE = Path("vocabulary") / "data-items.yml"
GUIDE = "content/vocabulary/README.md"
#: What a class means to fugi (扱い:), most serious first: sensitive classes mark an item on the site.
TREATMENTS = ("sensitive", "check", "ordinary")
TOP_KEYS = ("分類", "読まない行", "語尾", "項目")
CLASS_KEYS = ("名称", "扱い", "根拠", "説明", "種別")
ENTRY_KEYS = ("名称", "分類", "種別", "別名", "含む", "パターン", "除く", "備考")
SKIP_KEYS = ("始め", "終わり")


def normalise(text) -> str:
    """The form names are compared in: NFKC (全角英数・（）→ 半角), no spaces at all, case folded."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).casefold()


@dataclass(frozen=True)
class DataClass:
    """A class of personal data (要配慮個人情報, 特定個人情報 …) and what it means to fugi."""

    name: str
    treatment: str  # one of TREATMENTS
    basis: str = ""  # the law that defines it
    description: str = ""
    kinds: tuple = ()  # the law's categories (種別), when it lists them
    order: int = 0

    @property
    def sensitive(self) -> bool:
        return self.treatment == TREATMENTS[0]

    @property
    def rank(self) -> tuple:
        """Smaller is more serious: by treatment, then in the order the file declares the classes."""
        return (TREATMENTS.index(self.treatment), self.order)


@dataclass(frozen=True)
class Entry:
    """A data item: its name, its class (and the law's category), the names meaning it and the words revealing it."""

    name: str
    data_class: DataClass
    kind: str = ""
    aliases: tuple = ()
    contains: tuple = ()
    excludes: tuple = ()
    note: str = ""
    line: int = 1
    patterns: tuple = ()  # regular expressions searched for in a name (after normalise()), like 含む words

    @property
    def label(self) -> str:
        """What the item is listed under on the site: the law's category for a sensitive class, else its name."""
        return self.kind or self.name


@dataclass(frozen=True)
class Vocabulary:
    path: str
    classes: tuple
    entries: tuple
    skip_starts: tuple = ()  # a paragraph starting with one of these (then a space or colon) is not a list
    skip_ends: tuple = ()  # … nor one ending with one of these (資料56-2のとおり)
    suffixes: tuple = ()  # endings taken off a name before it is looked up again (情報, 等, フラグ …)

    def __post_init__(self):
        exact = {}
        for entry in self.entries:
            for name in (entry.name, *entry.aliases):
                exact.setdefault(normalise(name), entry)
        words = sorted(((normalise(w), e) for e in self.entries for w in e.contains),
                       key=lambda we: (we[1].data_class.rank, -len(we[0])))
        object.__setattr__(self, "exact", exact)
        object.__setattr__(self, "words", tuple(words))
        patterns = sorted(((re.compile(p), e) for e in self.entries for p in e.patterns), key=lambda pe: pe[1].data_class.rank)
        object.__setattr__(self, "patterns", tuple(patterns))
        object.__setattr__(self, "cache", {})  # normalised part -> (entry, word): lists repeat their names

    def data_class(self, name: str) -> Optional[DataClass]:
        return next((c for c in self.classes if c.name == name), None)


# ---------------------------------------------------------------------------
# Loading and validating the file


def load_vocabulary(content: Path, problems) -> Optional[Vocabulary]:
    """content/vocabulary/data-items.yml, validated like content; None when there is none (or it has errors)."""
    path = Path(content) / VOCABULARY_FILE
    if not path.is_symlink() and not path.exists():  # a broken link or a folder is reported by load_yaml_file
        return None
    src = load_yaml_file(path, Path(content), problems)
    if src is None:
        return None
    before = len(problems.errors)
    top = Reader(Context(src.path_display, problems), src.meta)
    classes = read_classes(top)
    starts, ends, suffixes = read_settings(top)
    entries = read_entries(top, classes)
    top.finish(list(TOP_KEYS))
    if len(problems.errors) != before:
        return None
    return Vocabulary(src.path_display, tuple(classes), tuple(entries), starts, ends, suffixes)


def words_of(reader: Reader, key, required=False) -> list:
    """[(word, line)] of a list of words (or one word); anything else is reported."""
    value = reader.raw(key, required)
    if value is None:
        return []
    if isinstance(value, (str, int)):
        return [(str(value).strip(), reader.line(key))]
    if isinstance(value, LList) and all(isinstance(v, (str, int)) for v in value):
        return [(str(v).strip(), value.line_of(i)) for i, v in enumerate(value) if str(v).strip()]
    reader.error(key, "語の並びとして読めません", f"`{key}: [語, 語]` のように書いてください")
    return []


def read_classes(top: Reader) -> list:
    classes = []
    for item, line in top.items("分類"):
        if not isinstance(item, Reader):
            top.ctx.error(line, "分類", "分類は `- 名称: …` の形で書いてください", "例: `- {名称: 通常, 扱い: ordinary}`")
            continue
        name = item.string("名称")
        treatment = item.choice("扱い", list(TREATMENTS))
        kinds = [word for word, _ in words_of(item, "種別")]
        basis, description = item.string("根拠", required=False, default=""), item.string("説明", required=False, default="")
        item.finish(list(CLASS_KEYS))
        if name and any(c.name == name for c in classes):
            item.error("名称", f"分類「{name}」が2つあります", "どちらか一方にしてください")
        elif name and treatment:
            classes.append(DataClass(name, treatment, basis, description, tuple(kinds), len(classes)))
    if classes and not any(c.treatment == "ordinary" for c in classes):
        top.error("分類", "扱い: ordinary の分類がありません", "氏名・住所などの通常の個人情報の分類を1つ加えてください")
    return classes


def read_settings(top: Reader) -> tuple:
    starts, ends = (), ()
    if top.has("読まない行"):
        skip = top.mapping("読まない行")
        if skip is not None:
            starts = tuple(w for w, _ in words_of(skip, "始め"))
            ends = tuple(w for w, _ in words_of(skip, "終わり"))
            skip.finish(list(SKIP_KEYS))
    suffixes = tuple(sorted({normalise(w) for w, _ in words_of(top, "語尾")}, key=len, reverse=True))
    return starts, ends, suffixes


def read_entries(top: Reader, classes: list) -> list:
    entries, seen, seen_words = [], {}, {}
    for item, line in top.items("項目"):
        if not isinstance(item, Reader):
            top.ctx.error(line, "項目", "項目は `- 名称: …` の形で書いてください", "例: `- {名称: 氏名, 分類: 通常}`")
            continue
        aliases = [(w, where, "別名") for w, where in words_of(item, "別名")]
        words = words_of(item, "含む")
        entry = read_entry(item, line, classes, [w for w, _, _ in aliases], [w for w, _ in words])
        patterns = read_patterns(item)
        if entry is not None and patterns:
            entry = dataclasses.replace(entry, patterns=patterns)
        item.finish(list(ENTRY_KEYS))
        if entry is None:
            continue
        names = [(entry.name, item.line("名称"), "名称"), *aliases]
        for word, where, key in names:
            first = seen.setdefault(normalise(word), (entry, where))
            if first[0] is not entry:
                item.ctx.error(where, item.name(key), f"「{shown(word)}」は {first[1]}行目（{first[0].name}）にもあります",
                               "同じ名前は1か所にだけ書いてください（どちらの項目の意味か決めて、もう一方を消してください）")
        for word, where in words:
            first = seen_words.setdefault(normalise(word), (entry, where))
            if first[0] is not entry:
                item.ctx.error(where, item.name("含む"), f"含む語「{shown(word)}」は {first[1]}行目（{first[0].name}）にもあります",
                               "同じ語は1つの項目の 含む: にだけ書いてください")
            if len(normalise(word)) == 1:
                item.ctx.warn(where, item.name("含む"), f"1文字の語「{word}」は、関係のない名前にも含まれます",
                              "2文字以上の語にするか、名前そのものを 別名: に書いてください")
        entries.append(entry)
    return entries


def read_patterns(item: Reader) -> tuple:
    """An entry's パターン: regular expressions, each checked: one that cannot be read, or that finds something in
    every name (an empty match), is reported at its line."""
    found = []
    for text, where in words_of(item, "パターン"):
        try:
            pattern = re.compile(text)
        except re.error as err:
            item.ctx.error(where, item.name("パターン"), f"パターン「{shown(text)}」は正規表現として読めません（{(err.pos or 0) + 1}文字目あたり）",
                           "かっこの対応を確かめてください。記号そのものを探すなら前に \\ を付けます"
                           "（ただの語なら パターン: ではなく 含む: に書けます）")
            continue
        if pattern.search("") is not None:
            item.ctx.error(where, item.name("パターン"), f"パターン「{shown(text)}」は空の文字列にも当たり、すべての名前に当たります",
                           "少なくとも1文字を必ず含む形にしてください（例: (貸出|利用)履歴）")
            continue
        found.append(text)
    return tuple(found)


def read_entry(item: Reader, line: int, classes: list, aliases: list, contains: list) -> Optional[Entry]:
    name = item.string("名称")
    class_name = item.string("分類")
    data_class = next((c for c in classes if c.name == class_name), None)
    if class_name and data_class is None and classes:
        item.error("分類", f"分類「{class_name}」はありません", hint_choices(class_name, [c.name for c in classes]))
    kind = item.string("種別", required=False, default="")
    if data_class is not None and data_class.kinds and not kind:
        item.error("名称", f"分類「{data_class.name}」の項目には種別が必要です",
                   f"`種別: …` を書いてください（{'・'.join(data_class.kinds)}）")
    elif data_class is not None and kind and kind not in data_class.kinds:
        if data_class.kinds:
            item.error("種別", f"種別「{kind}」は分類「{data_class.name}」にありません", hint_choices(kind, data_class.kinds))
        else:
            item.error("種別", f"分類「{data_class.name}」には種別がありません", "種別の行を消してください")
    excludes = tuple(normalise(w) for w, _ in words_of(item, "除く"))
    note = item.string("備考", required=False, default="")
    if not name or data_class is None:
        return None
    return Entry(name, data_class, kind, tuple(aliases), tuple(contains), excludes, note, line)
