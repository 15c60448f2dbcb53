"""The form definition (content/forms.yml): the council, its documents' fields, 区分 and vocabularies, validated like content."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from fugi.forms import checklists as _checklists  # noqa: F401  (registers the checklists kind)
from fugi.forms.registry import KINDS, by_name
from fugi.forms.licences import LICENCES
from fugi.source.files import load_yaml_file
from fugi.forms.numbering import STYLES
from fugi.source.reader import Context, Reader, hint_choices
from fugi.forms.vocabularies import read_follow_words
from fugi.forms.vocabularies import (CONDITION_RULES, DECISION_MEANINGS, STATUS_MEANINGS, VOCABULARY_KEYS,  # noqa: F401
                           check_vocabulary_keys, read_vocabularies)
from fugi.views.wareki import date_ja, time_ja

FORMS_FILE = "forms.yml"
GUIDE_FILE = "FORMS.md"
CATALOG_DIR = "checklists"
ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")

#: Roles: what fugi must understand of a field, and the kind each role implies.
AGENDA_ROLES = {"title": "line", "number": "number", "status": "choice", "public": "bool", "basis": "categories",
                "article": "line", "departments": "departments", "overview": "table", "sheets": "sheets",
                "flow": "flow", "info_items": "info_items", "checklists": "checklists",
                "notes": "notes"}
MEETING_ROLES = {"council": "line", "number": "number", "date": "date", "start": "time", "end": "time", "place": "line",
                 "public": "bool", "attendees": "roster", "basis_text": "line", "items": "deliberations",
                 "advice": "advice", "remarks": "remarks", "notes": "notes"}
ITEM_ROLES = {"agenda": "line", "title": "line", "decision": "choice", "conditions": "text", "withheld": "bool",
              "report_due": "line", "report": "line", "kind": "choice"}
REMARK_ROLES = {"speaker": "line", "text": "text"}
REQUIRED_ROLES = {"agenda": ("title", "number", "status", "public", "basis", "departments", "overview", "sheets"),
                  "meeting": ("public", "items"), "deliberations": ("agenda", "title", "decision"),
                  "remarks": ("speaker", "text")}
PART_ROLES = {"deliberations": ITEM_ROLES, "remarks": REMARK_ROLES, "table": None}
#: Options every field may carry, and those a role adds.
COMMON = ("キー", "ラベル", "種類", "必須", "既定", "役割", "別名", "説明")
ROLE_OPTIONS = {"departments": ("課のラベル",), "table": ("本文", "項目"), "sheets": ("表題のキー",), "flow": ("枝番",),
                "info_items": ("枝番",), "deliberations": ("項目", "まとまりの番号", "番号", "一つなら番号なし"), "remarks": ("項目",)}
#: The top-level sections of forms.yml.
SECTIONS = ("会議体", "サイト", "議題", "区分", "会議", "語彙", "対策表", "用語集")


@dataclass(frozen=True, eq=False)
class Field:
    """One field of a document or a sheet: its key in the file, its printed label, kind, and options."""

    key: str
    label: str
    kind: str
    required: bool = True
    default: object = None
    role: str = ""
    aliases: tuple = ()
    options: dict = field(default_factory=dict)
    parts: tuple = ()  # the fields of a table (事業の概要) or of each 審議事項
    line: int = 1
    description: str = ""

    @property
    def vocabulary(self) -> str:
        return self.options.get("語彙", "")

    @property
    def same_as_parent(self) -> bool:
        return bool(self.options.get("親と同じ"))

    @property
    def parent_category(self) -> str:
        return self.options.get("親の区分", "")

    @property
    def joined_label(self) -> str:
        """次と併記: the label of one row printing this field and the next (委託先(再委託先))."""
        return self.options.get("次と併記", "")


@dataclass(frozen=True, eq=False)
class Category:
    """A 区分: a sheet (別紙) an item may have, with its fields in order."""

    name: str
    id: str
    fields: tuple
    parent: str = ""  # 再委託 hangs under 業務委託
    basis: bool = True  # may be written in 要綱の根拠
    checklist: str = ""  # catalog file under content/checklists/
    line: int = 1
    parent_line: int = 1
    checklist_line: int = 1


@dataclass(frozen=True, eq=False)
class DocumentForm:
    name: str  # what the council calls the document
    fields: tuple
    texts: dict  # Word, 表紙の表題, 番号の接頭語, 表題, 見出し …

    def role(self, role: str) -> Optional[Field]:
        return next((f for f in self.fields if f.role == role), None)

    def part(self, role: str, part_role: str) -> Optional[Field]:
        whole = self.role(role)
        return next((p for p in whole.parts if p.role == part_role), None) if whole else None


@dataclass(frozen=True, eq=False)
class Forms:
    """Everything a council decides about its paperwork."""

    path: str
    council: dict  # 自治体, 名称, 略称, 要綱, 根拠の条項, 審議の根拠
    site: dict  # 名称, 説明, URL, 問い合わせ先, ライセンス (a key of fugi.forms.licences.LICENCES, or "")
    agenda: DocumentForm
    meeting: DocumentForm
    categories: tuple
    vocabularies: dict  # name -> tuple of {名称, …}
    undecided: str
    period_parts: tuple
    halves: tuple
    groups: tuple
    marks: tuple  # ({印, 意味}, …); the first is the default mark
    not_heard: str = ""  # 未審議の表示: what an item no meeting has heard yet shows for its meeting and 年度
    follow: dict = None  # 語彙 報告の表示・報告待ちの表示・報告済の表示・後の会議の表示 (conditions followed until reported)
    glossary: tuple = ()  # ({用語, 説明}, …): the site's glossary page (用語集:, optional)

    def words(self, vocabulary: str) -> tuple:
        return tuple(entry["名称"] for entry in self.vocabularies.get(vocabulary, ()))

    def category(self, name: str) -> Optional[Category]:
        return next((c for c in self.categories if c.name == name), None)

    @property
    def basis_categories(self) -> tuple:
        return tuple(c for c in self.categories if c.basis)

    @property
    def partner_roles(self) -> tuple:
        """Every partner role (a partners field's key): in the order 相手方の順 gives, then in the order of the forms."""
        found = dict.fromkeys(f.key for c in self.categories for f in c.fields if f.kind == "partners")
        return tuple(dict.fromkeys([r for r in self.agenda.texts.get("相手先の順", ()) if r in found] + list(found)))

    def partner_field(self, role: str):
        """The field that first declares a partner role (not one marked 親と同じ)."""
        return next((f for c in self.categories for f in c.fields
                     if f.key == role and f.kind == "partners" and not f.same_as_parent), None)

    def status_meaning(self, word: str) -> str:
        field_ = self.agenda.role("status")
        entry = next((e for e in self.vocabularies.get(field_.vocabulary, ()) if e["名称"] == word), {})
        return entry.get("扱い", "")

    def decision_entry(self, word: str) -> dict:
        field_ = self.meeting.part("items", "decision")
        vocabulary = self.vocabularies.get(field_.vocabulary, ()) if field_ else ()
        return next((e for e in vocabulary if e["名称"] == word), {})

    def condition_rule(self, word: str) -> str:
        """required / refused / optional: what a decision word says of its conditions (但し書き)."""
        return self.decision_entry(word).get("但し書き") or "optional"

    def kinds(self) -> tuple:
        """The kinds of item a meeting deliberates (諮問事項, 報告事項 …), in the forms' order; () when none."""
        kind = self.meeting.part("items", "kind")
        return self.words(kind.vocabulary) if kind else ()

    def kind_style(self, word: str) -> str:
        """How the items of one kind are numbered (番号: ア …; default (1))."""
        kind = self.meeting.part("items", "kind")
        entry = next((e for e in self.vocabularies.get(kind.vocabulary, ()) if e["名称"] == word), {}) if kind else {}
        return entry.get("番号") or "(1)"

    def pending(self, word: str) -> bool:
        """The decision word means the item is not decided yet: a later meeting decides it (扱い: pending)."""
        return self.decision_entry(word).get("扱い") in DECISION_MEANINGS

    def decision_words(self, rule: str) -> tuple:
        field_ = self.meeting.part("items", "decision")
        return tuple(w for w in (self.words(field_.vocabulary) if field_ else ()) if self.condition_rule(w) == rule)

    def status_word(self, meaning: str) -> str:
        field_ = self.agenda.role("status")
        return next(e["名称"] for e in self.vocabularies[field_.vocabulary] if e.get("扱い") == meaning)

    @property
    def sheet_word(self) -> str:
        """What the council calls a category's sheet (議題.区分の見出し: 別紙), or the generic 欄."""
        return self.agenda.texts.get("区分の見出し") or "欄"

    @property
    def default_mark(self) -> str:
        return self.marks[0]["印"] if self.marks else ""

    @property
    def has_checklists(self) -> bool:
        """The council keeps checklists (対策表: and an item field with the role checklists)."""
        return bool(self.halves) and self.agenda.role("checklists") is not None

    def mark_meaning(self, mark: str) -> str:
        return next((e["意味"] for e in self.marks if e["印"] == mark), "")


# ---------------------------------------------------------------------------
# Loading and validating forms.yml


def load_forms(content: Path, problems) -> Optional[Forms]:
    """Read content/forms.yml; every mistake in it is a problem with its line.  None when it cannot be used."""
    content = Path(content)
    path = content / FORMS_FILE
    if not path.is_symlink() and not path.exists():  # a broken link or a folder is reported by load_yaml_file
        problems.error(str(content / FORMS_FILE), 1, "様式", "様式の定義ファイルがありません",
                       f"content/ に {FORMS_FILE}（会議の名前・書類の項目・区分・語彙）を置いてください。書き方は {GUIDE_FILE} にあります")
        return None
    src = load_yaml_file(path, content, problems)
    if src is None:
        return None
    before = len(problems.errors)
    top = Reader(Context(src.path_display, problems), src.meta)
    forms = read_forms(top, content)
    top.finish(list(SECTIONS))
    return forms if forms is not None and len(problems.errors) == before else None


def read_forms(top: Reader, content: Path) -> Optional[Forms]:
    council = texts(top.mapping("会議体"), ["自治体", "名称"], ["略称", "要綱", "根拠の条項", "審議の根拠"])
    site_reader = top.mapping("サイト")
    examples = site_reader.names("検索の例", required=False) if site_reader else None
    site = texts(site_reader, ["名称"], ["説明", "URL", "問い合わせ先", "ライセンス", "アクセシビリティ方針"],
                 also=["検索の例"])
    if site is not None:
        site["検索の例"] = tuple(examples or ())
        if site["ライセンス"] and site["ライセンス"] not in LICENCES:
            site_reader.error("ライセンス", f"「{site['ライセンス']}」はオープンデータのライセンスとして選べません",
                              f"{'・'.join(LICENCES)} のどれかを書いてください（FORMS.md「サイト」）")
            site = None
    glossary = read_glossary(top)
    vocabularies, undecided, parts, not_heard = read_vocabularies(top.mapping("語彙"))
    follow = read_follow_words(top.mapping("語彙"))
    halves, groups, marks = read_checklist_form(top.mapping("対策表", required=False))
    categories = read_categories(top, content, vocabularies)
    agenda = read_document(top, "議題", AGENDA_ROLES, "agenda", vocabularies,
                           ["Word", "番号の接頭語", "相手先の総称"], lists=["相手先の順"],
                           optional=["表紙の表題", "本文のひな形", "表紙の本文", "根拠の印", "区分の見出し"])
    meeting = read_document(top, "会議", MEETING_ROLES, "meeting", vocabularies, ["Word", "表題"],
                            optional=["番号のない表題", "結論の述語"])
    if None in (council, site, agenda, meeting, halves):
        return None
    forms = Forms(top.ctx.path, council, site, agenda, meeting, categories, vocabularies, undecided, parts,
                  halves, groups, marks, not_heard, follow, glossary=glossary)
    check_forms(top, forms)
    return forms


def read_glossary(top: Reader) -> tuple:
    """用語集: the words of the forms explained for residents ({用語, 説明} each), shown on the site's glossary page."""
    entries = []
    for item, line in top.items("用語集", required=False):
        if isinstance(item, Reader):
            term, meaning = item.string("用語"), item.string("説明")
            item.finish(["用語", "説明"])
            if term and meaning:
                entries.append({"用語": term, "説明": meaning})
        else:
            top.ctx.error(line, "用語集", "用語集の各行は {用語: …, 説明: …} の形で書いてください",
                          "例: `- {用語: 言葉, 説明: その言葉の意味}`")
    return tuple(entries)


def texts(reader: Optional[Reader], required, optional, also=()) -> Optional[dict]:
    """Strings of a mapping; `also`: other keys allowed there, read by the caller."""
    if reader is None:
        return None
    result = {key: reader.string(key) for key in required}
    result.update({key: reader.string(key, required=False, default="") for key in optional})
    reader.finish(list(required) + list(optional) + list(also))
    return result if all(result[key] for key in required) else None


def read_checklist_form(reader: Optional[Reader]):
    """(halves, groups, marks) of 対策表; a council without checklists has none: ((), (), ())."""
    if reader is None:
        return (), (), ()
    halves, groups = reader.names("半分"), reader.names("グループ")
    marks = []
    for item, line in reader.items("印"):
        if isinstance(item, Reader):
            marks.append({"印": item.string("印"), "意味": item.string("意味")})
            item.finish(["印", "意味"])
    reader.finish(["半分", "グループ", "印"])
    if halves and len(halves) != 2:
        reader.error("半分", f"半分は2つ書いてください（いまは {len(halves)} つ）", "自らが行う対策と、相手に行わせる対策の2つです")
        return None, (), ()
    if len(marks) < 2:
        reader.error("印", "印は2つ以上書いてください", "最初が既定の印（標準どおり）、次からが標準と違う印です")
    return (tuple(halves) if halves else None), tuple(groups or ()), tuple(marks)


def read_categories(top: Reader, content: Path, vocabularies) -> tuple:
    categories = []
    for item, line in top.items("区分"):
        if not isinstance(item, Reader):
            top.ctx.error(line, "区分", "区分は `- 名称: …` の下に項目を書いてください", "例: `- 名称: 〇〇`")
            continue
        name = item.string("名称")
        ident = item.string("ID", required=False, default="")
        if ident and not ID.match(ident):
            item.error("ID", f"「{ident}」は ID に使えません", "半角英小文字・数字・ハイフンで書いてください（例: gaibu-ketsugo）")
        parent = item.string("親", required=False, default="")
        basis = item.boolean("根拠", required=False)
        checklist = item.string("標準", required=False, default="")
        if checklist and not (content / CATALOG_DIR / checklist).is_file():
            item.error("標準", f"標準のファイル「{checklist}」が content/{CATALOG_DIR}/ にありません",
                       f"content/{CATALOG_DIR}/ にあるファイル名を書くか、新しく作ってください")
        fields = read_fields(item, "項目", None, vocabularies, parent=parent)
        item.finish(["名称", "ID", "親", "根拠", "標準", "項目"])
        if name:
            categories.append(Category(name, ident or f"c{len(categories) + 1}", fields, parent,
                                       basis if basis is not None else not parent, checklist, line, item.line("親"),
                                       item.line("標準")))
    return tuple(categories)


#: 会議.次第: the words of the 次第 (build.py packet); Word is its template under templates/docx/.
ORDER_KEYS = ("名称", "Word", "表題", "始め", "議事", "その他", "終わり", "一式")
ORDER_OPTIONAL = ("ファイルなし", "限定の印")


def read_document(top: Reader, key, roles, what, vocabularies, text_keys, lists=(), optional=()) -> Optional[DocumentForm]:
    reader = top.mapping(key)
    if reader is None:
        return None
    name = reader.string("名称")
    found = {k: reader.string(k) for k in text_keys}
    extra = {k: reader.string(k, required=False, default="") for k in optional}
    listed = {k: tuple(reader.names(k, required=False) or ()) for k in lists}
    headings = {}
    if reader.has("見出し"):
        sub = reader.mapping("見出し")
        headings = {str(k): sub.string(k) for k in list(sub.map)} if sub else {}
    if what == "meeting" and reader.has("次第"):  # the order of business of the members' packet (build.py packet)
        sub = reader.mapping("次第")
        order = texts(sub, ORDER_KEYS, ORDER_OPTIONAL) if sub else None
        if order is not None:
            extra["次第"] = order
    fields = read_fields(reader, "項目", roles, vocabularies, needs=REQUIRED_ROLES[what])
    layout = read_layout(reader, fields) if what == "meeting" and reader.has("構成") else {}
    reader.finish(["名称", *text_keys, *lists, *optional, "見出し", "項目", *(["次第", "構成"] if what == "meeting" else [])])
    for loose in (f for f in fields if not f.role and what != "meeting"):
        top.ctx.error(loose.line, f"{key}.{loose.key}", "役割のない項目はここに書けません",
                      "新しい欄は、役割 overview の表の項目か、区分の項目に加えてください")
    document = DocumentForm(name or "", fields, {**found, **extra, **listed, "見出し": headings, "構成": layout})
    if name and all(found.values()):
        return document
    return None


#: What a section of a meeting record (会議.構成.節) may print besides the meeting's own fields (by their key).
#: (the role of a field, or results: each item with its result blocks; date_place: the date and the place on one line)
SECTION_CONTENTS = ("date", "place", "date_place", "attendees", "basis_text", "items", "results", "advice")
#: How the attendees print: all on one line (名前(役割)、…), or one line per role (【会長】名前).
ATTENDEE_STYLES = ("一行", "役割ごと")


def read_layout(reader: Reader, fields) -> dict:
    """会議.構成: the sections of the meeting record in order (見出し, 内容), their numbering, the attendees' style,
    the speaker's format and the blocks of each item's result.  Checked against the meeting's fields."""
    layout = reader.mapping("構成")
    if layout is None:
        return {}
    own = [f.key for f in fields if not f.role]
    items = next((f for f in fields if f.role == "items"), None)
    remarks = next((f for f in fields if f.role == "remarks"), None)
    style = layout.string("節の番号", required=False, default="") or "なし"
    if style not in STYLES:
        layout.error("節の番号", f"番号の形「{style}」はありません", hint_choices(style, list(STYLES)))
    result = {"番号": style,
              "名簿の形": layout.choice("名簿の形", list(ATTENDEE_STYLES), required=False) or "一行",
              "話者の形": layout.string("話者の形", required=False, default="") or "",
              "節": [], "項目ごとの欄": []}
    try:
        title_pieces(result["話者の形"], "話者の形")
    except ValueError as err:
        layout.error("話者の形", str(err), "話し手を入れるところは {…} と書き、括弧そのものは {{ や }} と書いてください")
    for entry, line in layout.items("節"):
        if not isinstance(entry, Reader):
            layout.ctx.error(line, layout.name("節"), "節は `- {見出し: …, 印字: …}` の形で書いてください", "例: `- {見出し: 〇〇, 印字: date}`")
            continue
        heading = entry.string("見出し")
        content = entry.choice("印字", [*SECTION_CONTENTS, *own])
        entry.finish(["見出し", "印字"])
        if heading and content:
            result["節"].append({"heading": heading, "content": content})
    blocks = [p.key for p in (items.parts if items else ()) if not p.role or p.role in ("decision", "conditions")]
    for name in layout.names("項目ごとの欄", required=False) or ():
        if name not in blocks and not (remarks and name == remarks.key):
            where = "・".join(f.key for f in (items, remarks) if f is not None)
            layout.error("項目ごとの欄", f"「{name}」は{where}の項目にありません",
                         hint_choices(name, blocks + ([remarks.key] if remarks else [])))
        else:
            result["項目ごとの欄"].append(name)
    layout.finish(["節の番号", "名簿の形", "話者の形", "節", "項目ごとの欄"])
    return result


def read_fields(reader: Reader, key, roles, vocabularies, parent="", needs=()) -> tuple:
    """A list of field declarations; roles (when allowed) fix the kind, otherwise 種類 names it (文章 by default)."""
    fields, seen, guessing = [], {}, False
    kinds = by_name()
    for item, line in reader.items(key):
        if not isinstance(item, Reader):
            reader.ctx.error(line, reader.name(key), "項目は `- {キー: …}` の形で書いてください", "例: `- {キー: 〇〇の理由}`")
            continue
        role = item.string("役割", required=False, default="")
        if role and roles is None:
            item.error("役割", "区分の項目には役割を書けません", "役割の行を消してください")
            role = ""
        elif role and role not in roles:
            item.error("役割", f"役割「{role}」はありません", hint_choices(role, list(roles)))
            guessing = True  # the field is left out; the roles it should have had are not reported again
            continue
        field_key = item.string("キー", required=role != "sheets", default="")
        kind_name = item.string("種類", required=False, default="")
        if role:
            kind = roles[role]
            if kind_name and kinds.get(kind_name, None) is not KINDS.get(kind):
                item.error("種類", f"役割「{role}」の項目の種類は変えられません", "種類の行を消してください")
        elif kind_name and kind_name not in kinds:
            item.error("種類", f"種類「{kind_name}」はありません", hint_choices(kind_name, list(kinds)))
            kind = "text"
        else:
            kind = kinds[kind_name].id if kind_name else "text"
        allowed = COMMON + KINDS[kind].options + ROLE_OPTIONS.get(kind, ())
        options = {k: item.map[k] for k in item.map if k in allowed and k not in COMMON}
        for k in ("まとまりの番号", "番号"):  # numbering styles (the deliberations' options)
            if k in options and str(options[k]) not in STYLES:
                item.error(k, f"番号の形「{options[k]}」はありません", hint_choices(str(options[k]), list(STYLES)))
                options.pop(k)
        item.used.update(options)
        parts = ()
        if kind in PART_ROLES:
            parts = read_fields(item, "項目", PART_ROLES[kind], vocabularies, needs=REQUIRED_ROLES.get(kind, ()))
            options.pop("項目", None)
        if kind == "choice" and options.get("語彙") not in vocabularies:
            item.error("語彙" if "語彙" in item.map else "キー", f"語彙「{options.get('語彙', '')}」がありません",
                       hint_choices(options.get("語彙", ""), list(vocabularies)))
        if parent:
            options["親の区分"] = parent
        label = item.string("ラベル", required=False, default=field_key)
        required = item.boolean("必須", required=False)
        default = item.string("既定", required=False)
        aliases = item.names("別名", required=False) or ()
        description = item.string("説明", required=False, default="")
        item.finish(list(allowed))
        name = field_key or role
        if name in seen:
            item.error("キー", f"「{name}」の項目が2つあります（{seen[name]}行目と同じ）", "どちらか一方にしてください")
            continue
        seen[name] = line
        fields.append(Field(field_key, label or field_key, kind, required if required is not None else True, default,
                            role, tuple(aliases), options, parts, line, description))
    for role in () if guessing else needs:
        if not any(f.role == role for f in fields):
            reader.error(key, f"役割「{role}」の項目がありません", f"`- {{キー: …, 役割: {role}}}` を項目に加えてください")
    return tuple(fields)


def check_forms(top: Reader, forms: Forms) -> None:
    """What can only be checked with the whole definition: parents, joined rows, vocabularies, the title format."""
    ctx = top.ctx
    names = [c.name for c in forms.categories]
    for category in forms.categories:
        where = f"区分[{names.index(category.name) + 1}]"
        parent = forms.category(category.parent) if category.parent else None
        if category.parent and (parent is None or parent is category or parent.parent):
            ctx.error(category.parent_line, f"{where}.親", f"親の区分「{category.parent}」がありません",
                      hint_choices(category.parent, [n for n in names if n != category.name]))
            parent = None
        for index, one in enumerate(category.fields):
            if one.same_as_parent and parent is not None and not any(p.key == one.key and p.kind == "partners"
                                                                     for p in parent.fields):
                ctx.error(one.line, f"{where}.{one.key}", f"親の区分に同じキー「{one.key}」の相手先の項目がありません",
                          "親と同じ: true を消すか、親の区分の項目と同じキーにしてください")
            joined = one.joined_label and (index + 1 >= len(category.fields)
                                           or category.fields[index + 1].kind != "partners" or one.kind != "partners")
            if joined:
                ctx.error(one.line, f"{where}.{one.key}", "次と併記は、相手先の項目の次に相手先の項目があるときだけ書けます",
                          "次と併記の行を消すか、項目の順を確かめてください")
    if len(set(names)) != len(names):
        ctx.error(top.line("区分"), "区分", "同じ名称の区分が2つあります", "区分の名称を確かめてください")
    roles = set(dict.fromkeys(f.key for c in forms.categories for f in c.fields if f.kind == "partners"))
    for role in forms.agenda.texts.get("相手先の順", ()):
        if role not in roles:
            ctx.error(top.map.line_of("議題"), "議題.相手先の順", f"「{role}」は相手先の項目にありません",
                      hint_choices(role, sorted(roles)))
    check_vocabulary_keys(ctx, forms)
    check_checklist_form(top, forms)
    check_columns(ctx, forms)
    status = forms.agenda.role("status")
    vocabulary = forms.vocabularies.get(status.vocabulary) if status else None
    meanings = [e.get("扱い") for e in vocabulary or ()]
    if vocabulary is not None and sorted(m for m in meanings if m in STATUS_MEANINGS) != sorted(STATUS_MEANINGS):
        words = top.mapping("語彙", required=False)
        ctx.error(words.line(status.vocabulary) if words else 1, f"語彙.{status.vocabulary}",
                  f"語彙「{status.vocabulary}」に 扱い: draft・submitted・decided が1つずつ必要です",
                  "語彙の各行に `扱い: draft`（サイトに載せない段階）などを書いてください")
    meeting = top.map.get("会議")
    for key in ("表題", "番号のない表題"):
        line = meeting.line_of(key) if hasattr(meeting, "line_of") and key in meeting else top.map.line_of("会議")
        check_title(ctx, forms, forms.meeting.texts.get(key, ""), line, f"会議.{key}", key)
    order = meeting.get("次第") if hasattr(meeting, "get") else None
    if "次第" in forms.meeting.texts:
        line = meeting.line_of("表題") if hasattr(meeting, "line_of") and "表題" in meeting else top.map.line_of("会議")
        where = order.line_of("表題") if hasattr(order, "line_of") and "表題" in order else line
        check_title(ctx, forms, forms.meeting.texts["次第"]["表題"], where, "会議.次第.表題", "表題")


def check_title(ctx, forms, text: str, line: int, where: str, name: str = "表題") -> None:
    """A title format (`name`: 表題, 番号のない表題 …) names only one-line fields of the meeting's form."""
    kinds = {f.key: f.kind for f in forms.meeting.fields}
    usable = "（使えるもの: " + "・".join(f.key for f in forms.meeting.fields if f.kind in TITLE_KINDS) + "）"
    try:
        pieces = title_pieces(text, name)
    except ValueError as err:
        ctx.error(line, where, str(err), "項目の値を入れるところは {キー} と書き、括弧そのものは {{ や }} と書いてください")
        pieces = []
    for field in [piece[1] for piece in pieces if piece[0] == "field" and kinds.get(piece[1]) not in TITLE_KINDS]:
        if field in kinds:
            ctx.error(line, where, f"{name}の {{{field}}} は1行の値ではないので{name}に入れられません",
                      "{…} には、1行で書く項目（名前・番号・日付・時刻など）のキーを書いてください" + usable)
        else:
            ctx.error(line, where, f"{name}の {{{field}}} は項目にありません",
                      "{…} には、会議の書類の項目のキーを書いてください" + usable)


#: A title format's pieces: {{ and }} (a brace itself), {キー} (a field's value), or a brace left alone.
TITLE_PIECE = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


def title_pieces(text: str, key: str = "表題") -> list:
    """A 表題 format as ("text", …) and ("field", key) pieces; only {キー} is understood — never str.format, which
    would evaluate {x.attr} and {x[key]} taken from forms.yml. A lone brace raises ValueError (a Japanese message)."""
    pieces, at = [], 0
    for match in TITLE_PIECE.finditer(text):
        if match.start() > at:
            pieces.append(("text", text[at:match.start()]))
        token = match.group(0)
        if token in ("{{", "}}"):
            pieces.append(("text", token[0]))
        elif token == "{":
            raise ValueError(f"{key}の「{{」（{match.start() + 1}文字目）が }} で閉じていません")
        elif token == "}":
            raise ValueError(f"{key}の「}}」（{match.start() + 1}文字目）に対応する {{ がありません")
        elif not match.group(1).strip():
            raise ValueError(f"{key}に中身のない {{}} があります")
        else:
            pieces.append(("field", match.group(1).strip()))
        at = match.end()
    if at < len(text):
        pieces.append(("text", text[at:]))
    return pieces


#: The kinds of field a title can print: one-line values (a list or a Markdown text has no place in a title).
TITLE_KINDS = ("line", "number", "date", "time", "choice")


def title_value(field: Optional[Field], value) -> str:
    """A field's value as the title prints it: a date in 和暦 (令和7年9月1日), a time as 午前9時30分, nothing for an
    empty field or one that is not a one-line value (check refuses those in the format)."""
    if value is None or field is None or field.kind not in TITLE_KINDS:
        return ""
    if isinstance(value, dt.date):
        return date_ja(value)
    if field.kind == "time":
        return time_ja(str(value))
    return str(value)


def check_columns(ctx, forms: Forms) -> None:
    """The open data's columns named by the forms (labels, partner roles) must differ from fugi's own columns and
    from each other: two columns of one name would share one JSON key and make a CSV whose header is ambiguous."""
    from fugi.export.open_data import builtin_columns, forms_columns  # the open data's columns are the export's to name

    builtin, seen = builtin_columns(), {}
    for name, one, where in forms_columns(forms):
        option = ("課のラベル" if one.options.get("課のラベル") == name else
                  "ラベル" if one.label == name and one.label != one.key else "キー")
        if name in builtin:
            ctx.error(one.line, where, f"「{name}」はオープンデータに fugi が作る列の名前です",
                      f"{option}を別の名前にしてください（fugi が作る列: {'・'.join(builtin)}）")
        elif name in seen and seen[name] is not one:
            ctx.error(one.line, where, f"「{name}」はオープンデータの列として{seen[name].line}行目の項目と同じ名前です",
                      f"どちらかの{option}を別の名前にしてください")
        seen.setdefault(name, one)


def check_checklist_form(top: Reader, forms: Forms) -> None:
    """対策表 may be left out by a council without checklists; a checklists field or a 標準 then has nothing to follow."""
    if forms.halves or top.has("対策表"):
        return
    checklists = forms.agenda.role("checklists")
    users = ([(checklists.line, f"議題.{checklists.key}")] if checklists else []) + [
        (c.checklist_line, f"区分[{index}].標準") for index, c in enumerate(forms.categories, start=1) if c.checklist]
    for line, where in users:
        top.ctx.error(line, where, "対策表がありません",
                      "`対策表:` に 半分・グループ・印 を書いてください（対策表を使わない会議体なら、この行は要りません）")


def meeting_title(form: DocumentForm, values: dict, numbered: Optional[bool] = None, text: str | None = None) -> str:
    """The meeting's title from the 表題 format (or `text`, another format such as the 次第's), filled by our own
    parser: "{会議名}(第{回}回)概要" -> 新宿区…会議(第5回)概要.

    `values` are the fields' values (a date printed in 和暦, a time as 午前9時30分). A meeting without a number (or
    a council that numbers none) is named by its date: the forms' 番号のない表題 if given, else the format with 第{回}回
    (or {回}) replaced by its date, else the council's name and the date."""
    own = text is None
    text = form.texts["表題"] if own else text
    number, date = form.role("number"), form.role("date")
    if numbered is None:
        numbered = number is not None and values.get(number.key) not in (None, "")
    fields = {f.key: f for f in form.fields}
    if not numbered:
        if own and form.texts.get("番号のない表題"):
            text = form.texts["番号のない表題"]
        elif number is not None and date is not None and "{" + number.key + "}" in text:
            text = re.sub("第?" + re.escape("{" + number.key + "}") + "回?", "{" + date.key + "}", text)
        else:
            council = form.role("council")
            parts = [title_value(one, values.get(one.key)) for one in (council, date) if one is not None]
            return " ".join(p for p in parts if p)
    return "".join(title_value(fields.get(value), values.get(value)) if kind == "field" else value
                   for kind, value in title_pieces(text))
