"""Sensitivity: an item's information items (its 資料N-2 and its sheets' item fields) matched against the vocabulary.

Matching works on whole names, never on loose characters, so that 病院名 is not 病名 and 障害物 is not 障害:
1. a list is split into names at 、 , ; / outside brackets (「法人の役員（商号、名称、氏名）」 stays one name);
2. a name is looked up whole (after NFKC and without spaces), then without the endings the vocabulary lists
   (情報, 等, フラグ …) — a name or 別名 the secretariat wrote for exactly this wording decides alone;
3. otherwise each part is looked up the same way: the name split at ・, and the words in its brackets
   (世帯構成（乳幼児・障害者等の有無等） → 世帯構成 / 乳幼児 / 障害者等の有無等);
4. a part not found whole is searched for the vocabulary's 含む words and パターン (regular expressions), minus
   the entry's 除く words; the most serious class wins, then the longest word.
A name none of whose parts is found is unknown: the review lists it so the vocabulary grows.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from fugi import model as m
from fugi.views.printed import paper_number
from fugi.review.data_items import Entry, Vocabulary, normalise

#: The option of a sheet's text field (forms.yml) that says the field lists information items.
ITEM_OPTION = "個人情報の項目"
SEPARATORS = "、,，;；/／\n"
PART_SEPARATORS = SEPARATORS + "・･"
OPENING, CLOSING = "(（[［{｛「『【〔《〈", ")）]］}｝」』】〕》〉"
HEADING = re.compile(r"^\s*(【[^】]*】|《[^》]*》|〈[^〉]*〉|［[^］]*］|\[[^\]]*\])\s*")
#: A word then a space at the start of a paragraph (「記録項目 氏名、生年月日」): a heading unless the vocabulary
#: knows the word as a data item (「氏名 住所」 is two names written with a space).
SPACED_HEADING = re.compile(r"^([^\s、,，;；/／(（]+)[ \u3000]+(?=\S)")
NUMBERING = re.compile(r"^\s*(?:[(（][0-9０-９]+[)）]|[0-9０-９]+[.．、)）]|[0-9０-９]+\s+|[①-⑳])\s*")


@dataclass(frozen=True)
class Place:
    """Where a name was written: the attachment (資料27-2) or the sheet field, and the heading above it."""

    source: str
    heading: str = ""

    def __str__(self) -> str:
        return f"{self.source} {self.heading}".strip()


@dataclass(frozen=True)
class Match:
    part: str  # the part of the name that was found (the whole name for an exact match)
    entry: Entry
    word: str = ""  # the 含む word found in it; empty for a name found whole


@dataclass
class ItemResult:
    """One information item as written, where it appears, and what the vocabulary says it is."""

    name: str
    places: list = field(default_factory=list)
    matches: tuple = ()

    @property
    def data_class(self):
        """The most serious class among the matches (None: unknown)."""
        return min((mt.entry.data_class for mt in self.matches), key=lambda c: c.rank, default=None)

    def matches_of(self, data_class) -> list:
        return [mt for mt in self.matches if mt.entry.data_class is data_class]


@dataclass
class Sensitivity:
    """Every information item of an agenda item, matched; grouped by class for printing."""

    vocabulary: Vocabulary
    items: list

    def by_class(self) -> list:
        """[(class, [items whose most serious class it is])] in the order of seriousness (empty classes left out)."""
        groups = []
        for data_class in sorted(self.vocabulary.classes, key=lambda c: c.rank):
            found = [item for item in self.items if item.data_class is data_class]
            if found:
                groups.append((data_class, found))
        return groups

    @property
    def unknown(self) -> list:
        return [item for item in self.items if not item.matches]

    @property
    def sensitive(self) -> list:
        """[(sensitive class, {label: [item names]})]: what the site marks (要配慮個人情報を含む …)."""
        result = []
        for data_class in (c for c in self.vocabulary.classes if c.sensitive):
            labels = {}
            for item in self.items:
                for mt in item.matches_of(data_class):
                    names = labels.setdefault(mt.entry.label, [])
                    if item.name not in names:
                        names.append(item.name)
            if labels:
                order = {kind: i for i, kind in enumerate(data_class.kinds)}
                result.append((data_class, dict(sorted(labels.items(), key=lambda kv: (order.get(kv[0], 99), kv[0])))))
        return result

    def labels(self) -> list:
        """Every label an item's matches fall under (the law's category or the entry's name), most serious first."""
        found = {}
        for item in self.items:
            for mt in item.matches:
                found.setdefault(mt.entry.label, mt.entry.data_class.rank)
        return [label for label, _ in sorted(found.items(), key=lambda kv: kv[1])]


# ---------------------------------------------------------------------------
# Reading the names out of an agenda item


def information_items(agenda: m.Agenda, forms, vocabulary: Vocabulary) -> list:
    """[ItemResult] of every name in the item's information-item attachment and its sheets' item fields (once each)."""
    found = {}

    def add(name: str, place: Place):
        name = name.strip()
        if not name:
            return
        item = found.setdefault(normalise(name), ItemResult(name))
        if place not in item.places:
            item.places.append(place)

    info_field = forms.agenda.role("info_items")
    if agenda.info_items is not None and info_field is not None:
        source = paper_number(agenda, forms, info_field.options.get("枝番"))[1]
        for group in agenda.info_items.groups:
            for written in group.items:
                for name in split_top(written, SEPARATORS):
                    add(name, Place(source, group.heading))
        for written in agenda.info_items.numbered:
            for name in split_top(written, SEPARATORS):
                add(name, Place(source))
    for sheet in agenda.sheets:
        for row in sheet.rows:
            if row.field is not None and row.field.options.get(ITEM_OPTION) and row.kind == "text":
                for name, heading in listed_names(row.value, vocabulary):
                    add(name, Place(f"{sheet.category} {row.key}", heading))
    return [match_item(item, vocabulary) for item in found.values()]


def listed_names(paragraphs, vocabulary: Vocabulary):
    """(name, heading) of the names a text field lists; a paragraph that describes (個人の範囲 …) or refers
    elsewhere (…のとおり) is not a list.  【保護者情報】 at the start of a paragraph heads what follows it, and so
    does a word the vocabulary does not know followed by a space (「2 記録項目 氏名、生年月日」)."""
    heading = ""
    for paragraph in paragraphs:
        text = NUMBERING.sub("", paragraph, count=1)
        found = HEADING.match(text)
        if found:
            heading, text = found.group(1), text[found.end():]
        text = text.strip()
        if not text or skipped(text, vocabulary):
            continue
        spaced = SPACED_HEADING.match(text)
        if spaced and not match_item(ItemResult(spaced.group(1)), vocabulary).matches:
            heading, text = spaced.group(1), text[spaced.end():]  # 「2 記録項目 氏名、…」: 記録項目 heads the list
        for name in split_top(text, SEPARATORS):
            yield name, heading


def skipped(text: str, vocabulary: Vocabulary) -> bool:
    bare = text.rstrip("。. ")
    if any(bare.endswith(end) for end in vocabulary.skip_ends):
        return True
    return any(re.match(re.escape(start) + r"\s*(?:[\s:：]|$)", text) for start in vocabulary.skip_starts)


def split_top(text: str, separators: str) -> list:
    """The text split at the separators that stand outside every bracket."""
    parts, depth, current = [], 0, []
    for char in text:
        if char in OPENING:
            depth += 1
        elif char in CLOSING:
            depth = max(0, depth - 1)
        if depth == 0 and char in separators:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def parts_of(name: str) -> list:
    """The name without its brackets split at ・, then the words inside its brackets."""
    head, inner, depth, current = [], [], 0, []
    for char in name:
        if char in OPENING:
            if depth == 0:
                current = []
            else:
                current.append(char)
            depth += 1
        elif char in CLOSING and depth:
            depth -= 1
            if depth == 0:
                inner.append("".join(current))
            else:
                current.append(char)
        elif depth:
            current.append(char)
        else:
            head.append(char)
    if depth:  # an unclosed bracket: what follows it is still part of the name
        inner.append("".join(current))
    parts = split_top("".join(head), PART_SEPARATORS)
    for text in inner:
        parts += split_top(text, PART_SEPARATORS)
    return parts


# ---------------------------------------------------------------------------
# Matching


def match_item(item: ItemResult, vocabulary: Vocabulary) -> ItemResult:
    whole = exact(normalise(item.name), vocabulary)
    if whole is not None:
        item.matches = (Match(item.name, whole),)
        return item
    matches = []
    for part in parts_of(item.name):
        found = match_part(part, vocabulary)
        if found is not None:
            matches.append(found)
    item.matches = tuple(matches)
    return item


def match_part(part: str, vocabulary: Vocabulary) -> Optional[Match]:
    key = normalise(part)
    cache = vocabulary.cache
    if key not in cache:
        entry = exact(key, vocabulary)
        cache[key] = (entry, "") if entry is not None else contained(key, vocabulary)
    entry, word = cache[key]
    return Match(part, entry, word) if entry is not None else None


def exact(key: str, vocabulary: Vocabulary) -> Optional[Entry]:
    """The entry named (or 別名) exactly so, trying the name without its endings (情報, 等 …) one at a time."""
    while key:
        if key in vocabulary.exact:
            return vocabulary.exact[key]
        ending = next((s for s in vocabulary.suffixes if key.endswith(s) and len(key) > len(s)), None)
        if ending is None:
            return None
        key = key[: -len(ending)]
    return None


def contained(key: str, vocabulary: Vocabulary) -> tuple:
    """(entry, word) of the most serious 含む word or パターン in the name (the longest among equals), or (None, "")."""
    found = []
    for word, entry in vocabulary.words:
        if word in key and word in without_excluded(key, entry):
            found.append((entry, word))
            break
    for pattern, entry in vocabulary.patterns:
        hit = pattern.search(without_excluded(key, entry))
        if hit is not None:
            found.append((entry, hit.group(0)))
            break
    if not found:
        return None, ""
    return min(found, key=lambda ew: (ew[0].data_class.rank, -len(ew[1])))


def without_excluded(key: str, entry: Entry) -> str:
    """The name with the entry's 除く words blanked out (a 含む word or パターン inside one of them does not count)."""
    for excluded in entry.excludes:
        key = key.replace(excluded, "\0")
    return key


def sensitivity(agenda: m.Agenda, forms, vocabulary: Optional[Vocabulary]) -> Optional[Sensitivity]:
    """The item's information items matched, or None when the content has no vocabulary."""
    if vocabulary is None:
        return None
    return Sensitivity(vocabulary, information_items(agenda, forms, vocabulary))
