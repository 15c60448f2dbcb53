"""Content generated from a form definition (hypothesis strategies), for tests/test_pipeline.py.

Nothing here names a council's field: every key, vocabulary word, category and mark is read from the Forms object
that fugi's own loader made from a forms.yml.  A generated archive is {relative path: text} for agendas/ and
meetings/, with `expect` describing what the generator meant (which items and meetings are published)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache

import yaml
from hypothesis import strategies as st

#: Characters of clerk text: Japanese, ASCII, and what YAML, Markdown, HTML and XML treat specially.
ALPHABET = ("あいうえおかきくけこさしすせそアイウエオカキクケコ区課部個人情報保護委託結合電算処理事業申請住所氏名"
            "ＡＢＣ０１２abcXYZ019 　<>&\"'*_`[](){}（）「」『』、。・－ー―#:：%@!?|~\\/=+")
#: Control characters (a known defect: they crash the Word build; see KNOWN_DEFECTS in tests/test_pipeline.py).
CONTROL = "\x01\x08\x0b\x1f\x7f"


@dataclass(frozen=True)
class Options:
    """Which known defects the generator must steer clear of (the names of tests/test_pipeline.py's KNOWN_DEFECTS)."""
    avoid: frozenset = frozenset()

    def __contains__(self, name):
        return name in self.avoid


@dataclass
class Generated:
    files: dict  # {"agendas/x.md": text, "meetings/y.md": text}
    published_agendas: set = field(default_factory=set)  # ids meant to be published (public and not a draft)
    hidden_agendas: set = field(default_factory=set)
    public_meetings: set = field(default_factory=set)
    hidden_meetings: set = field(default_factory=set)
    markers: dict = field(default_factory=dict)  # agenda id -> a token written only in its body


@cache  # a strategy made once: hypothesis validates each new one
def text(min_size=1, max_size=24, opts: Options = Options()):
    # control characters are refused by check (tests/test_pipeline.py's break_control plants one as a mistake)
    alphabet = ALPHABET
    return st.text(alphabet, min_size=min_size, max_size=max_size).map(str.strip).filter(bool)


@cache  # a strategy made once: hypothesis validates each new one
def words(max_size=6, opts=Options()):
    """A list of short names (empty lists are for optional fields only)."""
    return st.lists(text(1, 12, opts).filter(lambda s: "、" not in s and "," not in s), min_size=1, max_size=max_size)


@cache  # a strategy made once: hypothesis validates each new one
def long_or_short(strategy, max_size=4, long=30, cheap=None):
    """Mostly short lists, sometimes a long one (of `cheap` elements when given: hypothesis gives up on an example
    that needs too many choices, so a long list of long values would rarely be generated at all)."""
    short = st.lists(strategy, min_size=1, max_size=max_size)
    return st.one_of(short, short, short, st.lists(strategy if cheap is None else cheap, min_size=long, max_size=long))


@cache  # a strategy made once: hypothesis validates each new one
def dates(opts: Options):
    """Dates of the recent years, of any year check accepts, and the first and last it accepts (earlier and later
    ones are refused: tests/test_pipeline.py's break_far_date plants one as a mistake)."""
    recent = st.dates(dt.date(2019, 5, 1), dt.date(2030, 12, 31))
    first, last = dt.date(1873, 1, 1), dt.date(9998, 12, 31)
    return st.one_of(recent, st.dates(first, last), st.sampled_from([first, last]))


@st.composite
def partial_date(draw, forms, opts):
    day = draw(dates(opts))
    shape = draw(st.sampled_from(["day", "month", "part"] if forms.period_parts else ["day", "month"]))
    if shape == "day":
        return day, day.isoformat()
    if shape == "month":
        return day.replace(day=1), f"{day.year:04d}-{day.month:02d}"
    part = draw(st.sampled_from(forms.period_parts))
    return day.replace(day=1), f"{day.year:04d}-{day.month:02d} {part}"


@st.composite
def period(draw, forms, opts):
    start, start_text = draw(partial_date(forms, opts))
    one = {"開始": start_text}
    end = draw(st.sampled_from(["none", "open", "later"]))
    if end == "open":
        one["終了"] = "なし"
    elif end == "later":
        days = draw(st.integers(40, 2000))
        if start <= dt.date.max - dt.timedelta(days=days):
            one["終了"] = (start + dt.timedelta(days=days)).isoformat()
    for key, strategy in (("予定", st.booleans()), ("名称", text(1, 10, opts)), ("備考", text(1, 20, opts))):
        if draw(st.booleans()):
            one[key] = draw(strategy)
    return one


@cache  # a strategy made once: hypothesis validates each new one
def one_line(opts):
    """A line: mostly short, sometimes longer than anything Word's file properties hold (255 characters)."""
    short = text(1, 20, opts)
    return st.one_of(short, short, short, short, text(250, 300, opts))


@cache  # a strategy made once: hypothesis validates each new one
def paragraph_text(opts):
    """文章: one string, or a list of paragraphs (sometimes long)."""
    return st.one_of(text(1, 30, opts), long_or_short(text(1, 15, opts), 3, 25, text(1, 3, opts)))


@cache  # a strategy made once: hypothesis validates each new one
def partners(opts):
    one = st.one_of(text(1, 16, opts), st.fixed_dictionaries({"名称": text(1, 16, opts)},
                                                             optional={"注記": text(1, 16, opts)}))
    listed = long_or_short(one, 3, 12, text(1, 3, opts))
    return st.one_of(listed, st.fixed_dictionaries({"一覧": listed},
                                                   optional={"箇条書き": st.booleans(), "備考": text(1, 16, opts)}))


@cache  # a strategy made once: hypothesis validates each new one
def value(kind: str, forms, opts, f=None):
    """A strategy for a value of a declared field kind (the kinds a forms maintainer may write in 種類:)."""
    if kind == "line":
        return one_line(opts)
    if kind == "text":
        return paragraph_text(opts)
    if kind == "number":
        return st.integers(1, 9999)
    if kind == "bool":
        return st.booleans()
    if kind == "date":
        return dates(opts).map(dt.date.isoformat)
    if kind == "time":
        return st.tuples(st.integers(0, 23), st.integers(0, 59)).map(lambda t: f"{t[0]:02d}:{t[1]:02d}")
    if kind == "choice":
        return st.sampled_from(forms.words(f.vocabulary))
    if kind == "names":
        return st.one_of(words(6, opts), words(1, opts).map(lambda w: w[0]))
    if kind == "partners":
        return partners(opts)
    if kind == "periods":
        return long_or_short(period(forms, opts), 3, 8)
    raise AssertionError(f"a field kind the generator does not know: {kind}")


@st.composite
def fields_of(draw, fields, forms, opts, fixed=None):
    """A mapping of declared fields: required ones always, optional ones (or ones with a default) sometimes."""
    out = {}
    for f in fields:
        if fixed and f.key in fixed:
            out[f.key] = fixed[f.key]
            continue
        if (not f.required or f.default is not None) and draw(st.booleans()):
            continue
        out[f.key] = draw(value(f.kind, forms, opts, f))
    return out


def body(opts, marker: str):
    """A Markdown body: headings, paragraphs, bullets, and the item's marker token."""
    block = st.one_of(text(1, 50, opts), text(1, 20, opts).map(lambda s: f"## {s}"),
                      st.lists(text(1, 20, opts), min_size=1, max_size=4).map(lambda xs: "\n".join(f"- {x}" for x in xs)))
    return st.lists(block, min_size=0, max_size=5).map(lambda blocks: "\n\n".join([f"マーカー {marker}"] + blocks) + "\n")


def dump(front: dict, text_body: str) -> str:
    return "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=10**6) + "---\n" + text_body


def partner_names(value) -> list:
    listed = value["一覧"] if isinstance(value, dict) else value
    return [one["名称"] if isinstance(one, dict) else one for one in listed]


def same_as_parent(category, front: dict) -> dict:
    """The partner fields a child sheet (再委託) must copy from its parent's sheet (親と同じ: true)."""
    parent = front.get(category.parent, {})
    return {f.key: partner_names(parent[f.key])[:2] for f in category.fields if f.same_as_parent and f.key in parent}


def unplaced(opts):
    """What an import could not place (the notes role): entries with where they came from, or bare sentences."""
    return st.lists(st.one_of(text(1, 40, opts), st.fixed_dictionaries({"文": text(1, 40, opts)},
                                                                      optional={"出典": text(1, 20, opts)})),
                    min_size=1, max_size=3)


@st.composite
def agenda(draw, forms, catalog_rows, number, ident, opts):
    form = forms.agenda
    front, meant_public = {}, None
    chosen = []
    for f in form.fields:
        role = f.role
        if role == "title":  # long enough not to stand by chance inside other text (a withheld title is searched for)
            front[f.key] = draw(one_line(opts).filter(lambda t: len(t) >= 6))
        elif role == "number":
            front[f.key] = number
        elif role == "status":  # hypothesis favours the first word (a draft): every word, mostly not a draft
            word = st.sampled_from(forms.words(f.vocabulary))
            front[f.key] = draw(st.one_of(word, word.filter(lambda w: forms.status_meaning(w) != "draft")))
        elif role == "public":
            front[f.key] = draw(st.sampled_from([True, False, True]))
        elif role == "basis":
            basis = [c.name for c in forms.basis_categories]
            chosen = draw(st.lists(st.sampled_from(basis), min_size=1, max_size=len(basis), unique=True))
            front[f.key] = chosen
        elif role == "article":
            if draw(st.booleans()):
                front[f.key] = draw(text(1, 20, opts))
        elif role == "departments":
            front[f.key] = draw(long_or_short(st.fixed_dictionaries({"部": text(1, 12, opts), "課": words(3, opts)}),
                                              3, 10, st.fixed_dictionaries({"部": text(1, 3, opts), "課": words(1, opts)})))
        elif role == "overview":
            front[f.key] = draw(fields_of(f.parts, forms, opts))
        elif role == "sheets":
            title_key = f.options.get("表題のキー", "")
            for category in forms.categories:
                parent_chosen = category.parent and category.parent in chosen
                if category.name in chosen or (parent_chosen and draw(st.booleans())):
                    sheet = {title_key: draw(text(1, 40, opts))}
                    sheet.update(draw(fields_of(category.fields, forms, opts, same_as_parent(category, front))))
                    front[category.name] = sheet
        elif role == "flow":
            if draw(st.booleans()):
                front[f.key] = draw(st.fixed_dictionaries({}, optional={"表題": text(1, 30, opts)}))
        elif role == "info_items":
            shape = draw(st.sampled_from(["none", "list", "groups"]))
            if shape == "list":
                front[f.key] = {"一覧": draw(long_or_short(text(1, 16, opts), 6, 60, text(1, 3, opts)))}
            elif shape == "groups":
                front[f.key] = {"グループ": draw(st.lists(st.fixed_dictionaries(
                    {"見出し": text(1, 12, opts), "項目": words(8, opts)}), min_size=1, max_size=4))}
        elif role == "checklists":
            lists = {}
            for category in forms.categories:
                # a basis category with a standard checklist needs its entry (`{}`: the standard as it is)
                if category.name in chosen and category.name in catalog_rows:
                    one = {}
                    for half in forms.halves:
                        for group in forms.groups:
                            rows = catalog_rows[category.name].get((half, group), 0)
                            if rows and draw(st.booleans()):
                                row = draw(st.integers(1, rows))
                                mark = draw(st.sampled_from([e["印"] for e in forms.marks]))
                                one.setdefault(half, {}).setdefault(group, {})[row] = mark
                    lists[category.name] = one
            if lists or draw(st.booleans()):
                front[f.key] = lists
        elif role == "notes":
            if draw(st.booleans()):
                front[f.key] = draw(unplaced(opts))
        else:
            raise AssertionError(f"an agenda role the generator does not know: {role}")
    status = forms.status_meaning(front[form.role("status").key])
    meant_public = front[form.role("public").key] and status != "draft"
    return front, meant_public


@st.composite
def meeting(draw, forms, agendas, number, opts):
    """A meeting; `agendas` is {id: (published, draft)} of the generated items it may deliberate."""
    form = forms.meeting
    front = {}
    item_count = 0
    public = draw(st.sampled_from([True, False, True]))
    number_field = form.role("number")
    numbered = number_field is None or number_field.required or draw(st.booleans())
    for f in form.fields:
        role = f.role
        if role == "number":
            if numbered:
                front[f.key] = number
        elif role == "date" and not numbered:  # a meeting without a number is named by its date
            front[f.key] = draw(value(f.kind, forms, opts, f))
        elif role == "public":
            front[f.key] = public
        elif role == "start":
            if draw(st.booleans()):
                hour = draw(st.integers(6, 20))
                front[f.key] = f"{hour:02d}:{draw(st.integers(0, 59)):02d}"
                end = form.role("end")
                if end is not None and draw(st.booleans()):
                    front[end.key] = f"{hour + 1:02d}:{draw(st.integers(0, 59)):02d}"
        elif role == "end":
            continue  # with its start
        elif role == "items":
            parts = {p.role: p for p in f.parts}
            # a draft is never deliberated; a public meeting names an unpublished item only to withhold it
            heard = sorted(i for i, (published, draft) in agendas.items()
                           if not draft and (published or not public or "withheld" in parts))
            refs = draw(st.lists(st.sampled_from(heard), unique=True, max_size=len(heard))) if heard else []
            titled = draw(st.integers(0 if refs else 1, 3))
            items = [{parts["agenda"].key: ref} for ref in refs] + [{parts["title"].key: draw(text(6, 40, opts))}
                                                                   for _ in range(titled)]
            items = draw(st.permutations(items))
            for item in items:
                if "kind" in parts:  # the item's kind (諮問事項, 報告事項 …) where the forms declare kinds
                    item[parts["kind"].key] = draw(st.sampled_from(forms.words(parts["kind"].vocabulary)))
                if draw(st.integers(0, 5)):
                    word = draw(st.sampled_from(forms.words(parts["decision"].vocabulary)))
                    item[parts["decision"].key] = word
                    rule = forms.condition_rule(word)
                    if "conditions" in parts and (rule == "required" or (rule != "refused" and draw(st.booleans()))):
                        item[parts["conditions"].key] = draw(paragraph_text(opts))
                ref = item.get(parts["agenda"].key)
                if ref is not None and not agendas[ref][0]:
                    withheld = public or draw(st.booleans())
                else:
                    withheld = ref is None and draw(st.integers(0, 4)) == 0
                if "withheld" in parts and withheld:
                    item[parts["withheld"].key] = True
            front[f.key] = items
            item_count = len(items)
        elif role == "remarks":
            if draw(st.booleans()):
                parts = {p.role: p for p in f.parts}
                items_key = form.role("items").key
                groups = draw(st.lists(st.integers(1, item_count), unique=True, max_size=item_count))
                front[f.key] = [{items_key: n, f.key: draw(long_or_short(st.fixed_dictionaries(
                    {parts["speaker"].key: text(1, 12, opts), parts["text"].key: paragraph_text(opts)}), 3, 15,
                    st.fixed_dictionaries({parts["speaker"].key: text(1, 3, opts), parts["text"].key: text(1, 3, opts)})))}
                    for n in groups]
        elif role == "advice":
            if draw(st.booleans()):
                front[f.key] = draw(st.fixed_dictionaries({"表題": text(1, 30, opts)}, optional={"前文": text(1, 40, opts)}))
        elif role == "notes":
            if draw(st.booleans()):
                front[f.key] = draw(unplaced(opts))
        elif role == "attendees":
            if draw(st.booleans()):
                front[f.key] = draw(long_or_short(st.one_of(text(1, 12, opts), st.fixed_dictionaries(
                    {"職名": text(1, 12, opts)}, optional={"役割": text(1, 6, opts)})), 4, 20, text(1, 3, opts)))
        elif not f.required and draw(st.booleans()):
            continue
        else:
            front[f.key] = draw(value(f.kind, forms, opts, f))
    advice_key = form.role("advice").key if form.role("advice") else None
    advice_body = ""
    if advice_key in front:
        advice_body = draw(st.lists(text(1, 40, opts), min_size=1, max_size=3).map(
            lambda xs: "\n".join(f"- {x}" for x in xs) + "\n"))
    return front, advice_body


@st.composite
def archive(draw, forms, catalog_rows, opts: Options = Options()):
    """A whole archive of 0–4 agenda items and 0–3 meetings, generated from the forms."""
    generated = Generated({})
    status = forms.agenda.role("status").key
    n_agendas = draw(st.sampled_from((4, 3, 2, 1, 0)))  # as often 4 items as none (integers() favours the small)
    numbers = draw(st.lists(st.integers(1, 999), min_size=n_agendas, max_size=n_agendas, unique=True))
    agendas, fronts, bodies = {}, {}, {}
    for i, number in enumerate(numbers):
        ident = f"item-{i}"
        fronts[ident], meant = draw(agenda(forms, catalog_rows, number, ident, opts))
        generated.markers[ident] = marker = f"zqx{i}mark"
        bodies[ident] = draw(body(opts, marker))
        (generated.published_agendas if meant else generated.hidden_agendas).add(ident)
        agendas[ident] = (meant, forms.status_meaning(fronts[ident][status]) == "draft")
    n_meetings = draw(st.sampled_from((3, 2, 1, 0)))
    public_key = forms.meeting.role("public").key
    items_key, agenda_key = forms.meeting.role("items").key, forms.meeting.part("items", "agenda").key
    heard = {}  # agenda id -> heard at a public meeting
    for i, number in enumerate(draw(st.lists(st.integers(1, 99), min_size=n_meetings, max_size=n_meetings,
                                             unique=True))):
        ident = f"meeting-{i}"
        front, advice = draw(meeting(forms, agendas, number, opts))
        generated.files[f"meetings/{ident}.md"] = dump(front, advice)
        (generated.public_meetings if front[public_key] else generated.hidden_meetings).add(ident)
        decision_key = forms.meeting.part("items", "decision").key
        for item in front[items_key]:
            if agenda_key in item:
                ref = item[agenda_key]
                decided = bool(item.get(decision_key)) and not forms.pending(item[decision_key])
                heard[ref] = heard.get(ref, True) and decided
    for ident, front in fronts.items():
        # the meeting record decides an item's state: 決定 only where every meeting that heard it decided it
        if forms.status_meaning(front[status]) == "decided" and not heard.get(ident):
            front[status] = forms.status_word("submitted")
        generated.files[f"agendas/{ident}.md"] = dump(front, bodies[ident])
    return generated
