"""The archive reproduces the five seed documents word for word.

Every "sentence" of each seed (the text extracted from the ward's PDF) must be found in the text of
the model loaded from content/ for that seed.  The model text is collected generically: every string
of the loaded dataclasses, plus the strings the views print from typed values (和暦 periods and dates,
partners, joined names, checklist titles and group labels, 件名 lines, the meeting's printed lines).

Comparison ignores whitespace, （）/(), the dashes ‐-－ and the middle dots ·・ — nothing else.  What
the extraction broke is repaired by the explicit ARTIFACTS list below, not by a looser comparison.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest

from fugi.views import printed as view
from fugi.model import Agenda, Checklist, ChecklistHalf, InfoItems, ItemGroup, Meeting, PartialDate, Partner, Partners, Period, Sheet
from fugi.pipeline import load_archive
from fugi.views.wareki import date_ja, partial_date_ja

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"


#: The five source documents (text extracted from the ward's PDFs), kept in the repository as the ground truth.
SEED_DIR = ROOT / "tests" / "seeds"
#: The form definition of the seed archive (the views print labels from it).
FORMS = load_archive(CONTENT)[0].forms


#: seed number -> (kind, content file stem)
SEEDS = {
    "000": ("agenda", "kyoju-support-system"),
    "001": ("meeting", "2025-05"),
    "002": ("agenda", "aircon-josei"),
    "003": ("agenda", "kaigo-hoken-hyojunka"),
    "004": ("agenda", "nyuji-tsuen-shien"),
}

#: Known extraction artifacts, repaired in the seed text before comparing: seed -> [(broken, repaired)].
#: Each must occur in its seed (the test fails otherwise, so a stale entry is noticed).
ARTIFACTS = {
    "001": [
        # the advice bullet is broken over two paragraphs in the middle of a sentence
        ("ISMAP(政府情報システムのためのセキュリティ評価制度)に\n\n登録されている",
         "ISMAP(政府情報システムのためのセキュリティ評価制度)に登録されている"),
    ],
    "002": [
        # the 外部結合 sheet's 件名 is wrapped and its last word doubled: 「…事業に係る」/「係る外部結合について」
        ("助成事業に係る\n係る外部結合について", "助成事業に係る外部結合について"),
    ],
    "004": [
        # 担当部課 wraps between two sections of 子ども家庭部 and loses its 、
        ("保育課\n保育指導課", "保育課、保育指導課"),
    ],
}

#: The forms' fixed labels and headings, printed by the templates and not stored in the model
#: (compared after normalisation).  Keep this list short: everything else must be in the model.
FIXED_LABELS = {
    # 付議事項: cover and 事業の概要 table
    "個人情報保護管理運営会議付議事項",
    "件名",
    "内容は別紙のとおり",
    "要綱の根拠",
    "事業の概要",
    "事業名",
    "担当課",
    "目的",
    "対象者",
    "事業内容",
    # 会議概要: section headings
    "開催日時・場所",
    "出席会員等",
    "《議事概要》",
    "1審議内容",
    "【審議事項】",
    "【発言】",
}

# Markup the extraction added: HTML paragraph/list tags (a paragraph break), ** emphasis marks.
TAG = re.compile(r"</?(?:p|li|ol|ul)\b[^>]*>")
# At the start of a line: # heading marks; a line of dashes (one per cell) is a table rule.
HEADING = re.compile(r"^#+\s*", re.M)
RULE = re.compile(r"^(?:-{3,}[\t ]*)+$", re.M)
# A list bullet at the start of a piece (`- `, `・`): list formatting the views print, not text.
BULLET = re.compile(r"^(?:-\s+|・\s*)+")


def normalise(text: str) -> str:
    text = re.sub(r"\s+", "", text)
    text = text.replace("（", "(").replace("）", ")")
    text = re.sub("[‐－]", "-", text)
    return text.replace("·", "・")


def clean_seed(number: str, text: str) -> str:
    """The seed text with the known artifacts repaired and the extraction's marks removed."""
    for broken, repaired in ARTIFACTS.get(number, []):
        assert broken in text, f"seed {number}: artifact no longer present: {broken!r}"
        text = text.replace(broken, repaired)
    text = TAG.sub("\n", text).replace("**", "")
    return RULE.sub("", HEADING.sub("", text))


def seed_sentences(number: str, text: str) -> list[str]:
    """The seed's sentences (normalised), in order, after repairing the known artifacts."""
    text = clean_seed(number, text)
    sentences = []
    for piece in re.split(r"[\t\n]", text):
        piece = BULLET.sub("", piece.strip())
        for sentence in re.split(r"(?<=。)", piece):
            sentence = normalise(sentence)
            if sentence and sentence not in FIXED_LABELS:
                sentences.append(sentence)
    return sentences


MARK_CELLS = {"○", "－", "-"}


def seed_checklist_rows(number: str, text: str) -> list[tuple[str, str, str]]:
    """(group label, mark, sentence) of every checklist row of a seed, in order, normalised.

    A row is a line with a mark cell followed by a sentence cell; the group label comes from the
    first cell of a group's first row (区が行う情報保護対策 【運用上の対策】).  The extraction sometimes
    put the last two rows of a group on one line, 「…防止する。 システムを提供する…」: inside a row, the
    sentences follow each other without a space, so 「。」 followed by a space starts the next row.
    """
    rows, label = [], None
    for line in clean_seed(number, text).split("\n"):
        cells = [c.strip() for c in line.split("\t")]
        at = next((i for i, c in enumerate(cells[:-1]) if c in MARK_CELLS and cells[i + 1]), None)
        if at is None:
            continue
        if at > 0 and "【" in cells[at - 1]:
            label = normalise(cells[at - 1])
        for sentence in re.split(r"(?<=。) +", cells[at + 1]):
            rows.append((label, normalise(cells[at]), normalise(sentence)))
    return rows


def model_checklist_rows(agenda) -> list[tuple[str, str, str]]:
    return [(normalise(view.group_label(half.heading, group.name)), normalise(row.mark), normalise(row.text))
            for checklist in agenda.checklists for half in checklist.halves
            for group in half.groups for row in group.rows]


# ---------------------------------------------------------------------------
# The model's text


def markdown_text(body: str) -> list[str]:
    """A Markdown body's lines with heading and list marks stripped."""
    return [re.sub(r"^\s*(?:#+\s*|[-*+]\s+)", "", line) for line in body.split("\n")]


SKIP_FIELDS = {"meeting", "agenda", "lines", "field"}  # cross references, line maps, the forms' declarations


def walk(value, seen: set) -> list[str]:
    """Every string in a loaded value, in order, with typed values printed the way the views print them."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, bool) or value is None or isinstance(value, (int, float)):
        return []
    if isinstance(value, dt.date):
        return [date_ja(value, weekday=True)]
    if isinstance(value, PartialDate):
        return [partial_date_ja(value)]
    if isinstance(value, Period):
        return [view.period_text(value)]
    if isinstance(value, Partner):
        return [view.partner_text(value)]
    if isinstance(value, Partners):
        return view.KINDS["partners"].lines(value)
    if isinstance(value, dict):
        out = []
        for key, item in value.items():
            out += walk(key, seen) + walk(item, seen)
        return out
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(item, str) for item in value):
            return [*value, view.SEP.join(value)]  # a list of names prints joined by 、
        return [text for item in value for text in walk(item, seen)]
    if dataclasses.is_dataclass(value):
        if id(value) in seen:
            return []
        seen.add(id(value))
        out = printed(value)
        for f in dataclasses.fields(value):
            if f.name in SKIP_FIELDS:
                continue
            item = getattr(value, f.name)
            if f.name in ("body", "advice") and isinstance(item, str):
                out += markdown_text(item)
            else:
                out += walk(item, seen)
        return out
    return [str(value)]


def printed(value) -> list[str]:
    """The lines a view composes from a model object (titles, labels, joined values)."""
    if isinstance(value, Agenda):
        return [view.basis_text(value, FORMS), view.departments_text(value, FORMS)]
    if isinstance(value, Sheet):
        out = [f"件名 {value.title}"]
        for label, lines in view.table_rows(value.rows):
            out += [label, *lines]
        return out
    if isinstance(value, Checklist):
        out = [view.checklist_heading(value), value.subtitle]
        for half in value.halves:
            out += [value.legend_of(half), value.column]
            for group in half.groups:
                out.append(view.group_label(half.heading, group.name))
                for row in group.rows:
                    out += [row.mark, row.text]
        return out
    if isinstance(value, ChecklistHalf):
        return [view.group_label(value.heading, group.name) for group in value.groups]
    if isinstance(value, InfoItems):
        return [f"{number} {name}" for number, name in enumerate(value.numbered, 1)]
    if isinstance(value, ItemGroup):
        return [value.heading, view.SEP.join(value.items)]
    if isinstance(value, Meeting):
        out = [value.title, f"{view.meeting_when(value)} {value.place}", view.attendees_text(value),
               value.basis_text]
        for item in value.items:
            title = item.title or (item.agenda.title if item.agenda else "")
            out.append(f"({item.number}) {title} ⇒ {item.decision}")
        out += [f"【{value.advice_title}】", value.advice_intro, *markdown_text(value.advice)]
        for group in value.remarks:
            out.append(f"審議事項({group.item_number})について")
            for remark in group.remarks:
                out += [f"{remark.speaker}: {remark.text[0]}", *remark.text[1:]]
        return out
    return []


def model_text(obj) -> str:
    return normalise("\n".join(walk(obj, set())))


# ---------------------------------------------------------------------------
# Tests


@pytest.fixture(scope="module")
def archive():
    archive, problems = load_archive(CONTENT)
    assert not problems.errors, "\n".join(str(p) for p in problems.errors)
    return archive


def seed_file(number: str) -> Path:
    matches = sorted(SEED_DIR.glob(f"{number}_*.txt"))
    assert matches, f"seed {number} missing in {SEED_DIR}"
    return matches[0]


@pytest.mark.parametrize("number", sorted(SEEDS))
def test_seed_reproduced(archive, number):
    kind, stem = SEEDS[number]
    objects = archive.agendas if kind == "agenda" else archive.meetings
    obj = next((o for o in objects if o.id == stem), None)
    assert obj is not None, f"content for seed {number} ({kind} {stem}) not loaded"
    text = model_text(obj)
    sentences = seed_sentences(number, seed_file(number).read_text(encoding="utf-8"))
    assert sentences
    missing = [s for s in sentences if s not in text]
    assert not missing, f"seed {number}: {len(missing)} sentence(s) not in {stem}:\n" + "\n".join(missing)


@pytest.mark.parametrize("number", sorted(n for n, (kind, _) in SEEDS.items() if kind == "agenda"))
def test_checklist_rows_reproduced(archive, number):
    """Every checklist row has the seed's mark and sentence, in the seed's order (catches a wrong row number)."""
    agenda = next(a for a in archive.agendas if a.id == SEEDS[number][1])
    expected = seed_checklist_rows(number, seed_file(number).read_text(encoding="utf-8"))
    assert expected
    assert model_checklist_rows(agenda) == expected


def test_normalise_only_folds_the_listed_variants():
    assert normalise("（注記） ‐ － ·") == "(注記)--・"
    assert normalise("コンピューター") != normalise("コンピュータ")
