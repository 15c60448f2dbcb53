"""`build.py import`: read each file, map it to a document, link meetings to items, write new content files, report."""
from __future__ import annotations

import os
import re
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from fugi.forms.kinds import TODO
from fugi.source.files import AGENDA_DIR, MEETING_DIR, split_front_matter
from fugi.problems import ContentError, Problems
from fugi.importer.forms_map import FormsMap, Imported, NotAForm, map_source, norm
from fugi.importer.sources import Unreadable, read_source
from fugi.importer.write import document_text, file_stem, free_path, write_new

#: Files a folder import skips without a word: what editors, Word and the system leave beside documents.
SKIP = (".", "~$", ".~lock")
#: …and the files Windows leaves in a folder of documents (thumbnails, folder settings).
SKIP_NAMES = {"thumbs.db", "desktop.ini", "ehthumbs.db"}


@dataclass
class Outcome:
    """One source file: what it became (a document, or why it was refused) and where it was written."""

    source: Path
    imported: Optional[Imported] = None
    refused: str = ""
    written: Optional[Path] = None
    renamed: bool = False
    kind: str = ""  # how the source was read: docx / pdf / text
    same: str = ""  # the content file or source that already holds this document (then nothing is written)
    named: str = ""  # why the file name does not come from the source's name
    differs: str = ""  # the content file of the same document that says something else (the new one is written beside)


def load_forms_and_catalog(content: Path):
    """(forms, catalog) of the content folder; ContentError with its problems when the forms cannot be used."""
    from fugi.forms.checklists import parse_catalog
    from fugi.forms.definition import CATALOG_DIR, load_forms
    from fugi.source.files import load_yaml_file

    problems = Problems()
    forms = load_forms(Path(content), problems)
    if forms is None:
        raise ContentError(problems)
    catalog = {}
    for category in forms.categories:
        if not category.checklist:
            continue
        src = load_yaml_file(Path(content) / CATALOG_DIR / category.checklist, Path(content), problems)
        entry = parse_catalog(src, forms, problems) if src is not None else None
        if entry is not None:
            catalog[entry.category] = entry
    if problems.errors:
        raise ContentError(problems)
    return forms, catalog


# ---------------------------------------------------------------------------
# Reading (one process, or a pool of them for a folder)

_FM: dict = {}


def _init(content: str) -> None:
    forms, catalog = load_forms_and_catalog(Path(content))
    from fugi.resources import Templates

    _FM["fm"] = FormsMap(forms, catalog, Templates.of(content))  # the council's Word templates, if it has its own


def map_file(path) -> Outcome:
    """One file mapped with the forms of this process (set by _init); never raises for a bad file."""
    path = Path(path)
    try:
        source = read_source(path)
        return Outcome(path, imported=map_source(_FM["fm"], source), kind=source.kind)
    except (Unreadable, NotAForm) as err:
        return Outcome(path, refused=str(err))
    except RecursionError:
        return Outcome(path, refused="文書の入れ子が深すぎて読めません")
    except Exception as err:  # noqa: BLE001 - one odd file of a ten-year folder must not stop the others
        return Outcome(path, refused=f"読み取りの途中で想定していない形に出会いました（{type(err).__name__}: {err}）。"
                                     "このファイルは手で書き写し、fugi の担当者にこのファイルを知らせてください")


def files_of(paths) -> tuple:
    """(files to import in order, problems for paths that do not exist)."""
    files, missing = [], []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(SKIP)
                            and p.name.lower() not in SKIP_NAMES)
        elif path.is_file():
            files.append(path)
        else:
            missing.append(path)
    return files, missing


def map_files(files: list, content: Path, jobs: int = 1, progress=None) -> list:
    """Outcomes of every file, in the order given; a pool of `jobs` processes when there are many."""
    if jobs <= 1 or len(files) < 8:
        _init(str(content))
        outcomes = []
        for index, path in enumerate(files, start=1):
            outcomes.append(map_file(path))
            if progress:
                progress(index, len(files), path)
        return outcomes
    outcomes = []
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init, initargs=(str(content),)) as pool:
        for index, outcome in enumerate(pool.map(map_file, files, chunksize=max(1, len(files) // (jobs * 8))), start=1):
            outcomes.append(outcome)
            if progress:
                progress(index, len(files), outcome.source)
    return outcomes


# ---------------------------------------------------------------------------
# Linking a meeting's items to the items imported with it or already in content/


def content_fronts(content: Path) -> list:
    """(kind, path, front matter) of every document already in content/, each file parsed once (libyaml when there):
    a department's one Word file imported into ten years of archive must not wait for it (1,100 files: ~1 s)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    fronts = []
    for kind, folder in (("agenda", AGENDA_DIR), ("meeting", MEETING_DIR)):
        for path in sorted((Path(content) / folder).glob("*.md")) if (Path(content) / folder).is_dir() else ():
            try:
                front = split_front_matter(path.read_text(encoding="utf-8"), str(path), Problems())
                meta = yaml.load(front[0], Loader=loader) if front and front[0] else None
            except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError, TypeError, RecursionError):
                continue
            if isinstance(meta, dict):
                fronts.append((kind, path, meta, front[1]))
    return fronts


def existing_items(content: Path, forms, fronts: Optional[list] = None) -> tuple:
    """({norm(件名): file stem}, {資料番号: [file stems]}) of the items already in content/agendas/."""
    title_key, number_key = forms.agenda.role("title").key, forms.agenda.role("number").key
    titles, numbers = {}, {}
    for kind, path, meta, _ in content_fronts(content) if fronts is None else fronts:
        if kind != "agenda":
            continue
        status = meta.get(forms.agenda.role("status").key) if isinstance(meta, dict) else None
        if isinstance(status, str) and forms.status_meaning(status) == "draft":
            continue  # a meeting cannot name a draft
        if isinstance(meta, dict) and isinstance(meta.get(title_key), str):
            titles.setdefault(norm(meta[title_key]), path.stem)
            numbers.setdefault(str(meta.get(number_key)), []).append((path.stem, norm(meta[title_key])))
    return titles, numbers


def link(outcomes: list, content: Path, forms, fronts: Optional[list] = None) -> dict:
    """A meeting's items that name an item — by 件名, or by the 資料番号 printed with a like title — point to its file
    (付議事項:); the items imported with the meeting that it decided become 決定."""
    import difflib

    items_field = forms.meeting.role("items")
    parts = {p.role: p for p in items_field.parts}
    status_key = forms.agenda.role("status").key
    title_key, number_key = forms.agenda.role("title").key, forms.agenda.role("number").key
    prefix = forms.agenda.texts["番号の接頭語"]
    decided = forms.status_word("decided")
    # a draft (an item with fields still to fill in) cannot be named by a meeting: its item stays known by its title
    agendas = [o for o in outcomes if o.imported and o.imported.kind == "agenda" and o.written and not o.imported.unfilled]
    batch = {norm(o.imported.meta.get(title_key, "")): o for o in agendas}
    known, numbers = existing_items(content, forms, fronts)
    named: set = set()
    for o in agendas:
        numbers.setdefault(str(o.imported.meta.get(number_key)), []).append((o, norm(o.imported.meta.get(title_key, ""))))
    for outcome in outcomes:
        if not outcome.imported or outcome.imported.kind != "meeting":
            continue
        items = outcome.imported.meta.get(items_field.key) or []
        for index, item in enumerate(items):
            title = norm(item.get(parts["title"].key, ""))
            target = batch.get(title)
            stem = target.written.stem if target is not None else known.get(title)
            cited = re.search(rf"{re.escape(norm(prefix))}(\d+)(?![-\d])", title) if not stem else None
            candidates = numbers.get(cited.group(1), []) if cited else []
            if len(candidates) == 1:  # one item has that number: linked when its title reads alike
                found, its_title = candidates[0]
                bare = title.replace(cited.group(0), "")
                if difflib.SequenceMatcher(None, bare, its_title).ratio() >= 0.5:
                    target = found if isinstance(found, Outcome) else None
                    stem = found.written.stem if target is not None else found
            if not stem:
                continue
            linked = {parts["agenda"].key: stem}
            linked.update({k: v for k, v in item.items() if k != parts["title"].key})
            items[index] = linked
            named.add(stem)
            word = item.get(parts["decision"].key)
            if target is not None and word and not forms.pending(word) and decided:
                target.imported.meta[status_key] = decided
    return {"numbers": numbers, "named": named}


# ---------------------------------------------------------------------------
# Writing


def place_notes(imported: Imported, forms) -> None:
    """The notes into the document's 要確認 field (a warning in check until a clerk moves them)."""
    form = forms.agenda if imported.kind == "agenda" else forms.meeting
    notes_field = form.role("notes")
    if not imported.notes:
        return
    entries = [{"出典": f"{n.where}（{n.near}）" if n.near else n.where, "文": n.text} for n in imported.notes]
    if notes_field is not None:
        imported.meta[notes_field.key] = entries
    else:  # forms without a notes field: the notes as comments at the end of the body
        imported.body = (imported.body + "\n\n" if imported.body else "") + "\n".join(
            f"<!-- 取り込みで置けなかった文（{e['出典']}）: {e['文']} -->" for e in entries)


def run_import(paths, content: Path, report=print, jobs: Optional[int] = None) -> int:
    """The command: 0 when every file was imported (with or without notes), 1 when some were refused."""
    content = Path(content)
    if not content.is_dir():
        report(f"{content}:1: --content: フォルダがありません — 取り込む先のアーカイブ（forms.yml・checklists/・vocabulary/ "
               "のあるフォルダ）を指定してください。新しいアーカイブなら、そのフォルダを作り、見本の content/ から forms.yml・"
               "checklists/・vocabulary/ を写してください")
        return 1
    from fugi.forms.definition import FORMS_FILE

    if not (content / FORMS_FILE).is_file():  # a new, empty folder: say how to make it an archive, not how to write forms
        report(f"{content / FORMS_FILE}:1: --content: 様式の定義 {FORMS_FILE} がありません — このフォルダを取り込む先の"
               f"アーカイブにするなら、見本の content/ から {FORMS_FILE}・checklists/・vocabulary/ を {content} に写してください"
               "（別のフォルダのつもりなら、--content を確かめてください）。何も書いていません")
        return 1
    forms, _ = load_forms_and_catalog(content)
    files, missing = files_of(paths)
    for path in missing:
        report(f"{path}:1: import: ファイルもフォルダもありません — パスを確かめてください")
    if not files:
        if not missing:
            report("取り込むファイルがありません — Word 文書・PDF・テキストのファイルかフォルダを指定してください")
        return 1
    many = len(files) > 1
    jobs = jobs or (max(1, len(os.sched_getaffinity(0))) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)

    def progress(index, total, path):
        if many and sys.stderr.isatty():
            width = 30
            done = width * index // total
            print(f"\r[{'#' * done}{'.' * (width - done)}] {index}/{total} {path.name[:40]:40}", end="", file=sys.stderr)
        elif many:
            print(f"[{index}/{total}] {path}", file=sys.stderr)

    outcomes = map_files(files, content, jobs if many else 1, progress)
    if many and sys.stderr.isatty():
        print(file=sys.stderr)
    fronts = content_fronts(content)
    same_documents(outcomes, fronts, forms)
    taken: set = set()
    for outcome in outcomes:  # names first, so that meetings can name the items imported with them
        if outcome.imported and not outcome.same:
            stem = file_stem(outcome.source.name) or document_stem(outcome.imported, forms)
            if not file_stem(outcome.source.name):
                outcome.named = f"（元のファイル名に英数字がないため、{document_name(outcome.imported, forms)}から名前を付けました）"
            outcome.written, outcome.renamed = free_path(content, outcome.imported.kind, stem, taken)
            taken.add((outcome.imported.kind, outcome.written.stem))
    linking = link(outcomes, content, forms, fronts)
    if any(o.imported for o in outcomes):  # an archive has both folders, even when only one kind came in
        for folder in (AGENDA_DIR, MEETING_DIR):
            (content / folder).mkdir(parents=True, exist_ok=True)
    for outcome in outcomes:
        if not outcome.imported:
            report(f"{outcome.source}:1: import: 取り込めません: {outcome.refused} — 何も書いていません")
            continue
        if outcome.same:
            form = forms.agenda if outcome.imported.kind == "agenda" else forms.meeting
            if outcome.same.startswith(BATCH):
                report(f"{outcome.source}:1: import: 同じ{form.name}「{outcome.imported.title}」を "
                       f"{outcome.same[len(BATCH):]} から取り込むので、このファイルからは書きません — 2つが違う版なら、"
                       f"書いたファイルとこのファイルを見比べて直してください")
            else:
                report(f"{outcome.source}:1: import: 同じ{form.name}「{outcome.imported.title}」が既に {outcome.same} に"
                       f"あるので、書きません — 違う版なら {outcome.same} とこのファイルを見比べて直してください")
            continue
        place_notes(outcome.imported, forms)
        try:
            write_new(outcome.written, document_text(outcome.imported.meta, outcome.imported.body))
        except FileExistsError:
            outcome.refused = f"{outcome.written} ができていたため書きませんでした（上書きはしません）"
            report(f"{outcome.source}:1: import: {outcome.refused} — もう一度実行してください")
            outcome.imported, outcome.written = None, None
            continue
        except OSError as err:
            outcome.refused = f"{outcome.written} に書けません（{err.strerror}）"
            report(f"{outcome.source}:1: import: {outcome.refused} — 書き込めるフォルダを --content で指定してください")
            outcome.imported, outcome.written = None, None
            continue
        kind = forms.agenda.name if outcome.imported.kind == "agenda" else forms.meeting.name
        renamed = "（同じ名前のファイルがあるため別の名前にしました）" if outcome.renamed else ""
        report(f"{outcome.source} → {outcome.written}（{kind}「{outcome.imported.title}」）{renamed}{outcome.named}")
        if outcome.imported.unfilled:
            draft = forms.status_word("draft")
            report(f"  原本にない欄（「{TODO}」を書き、{draft}にしました）: {'、'.join(outcome.imported.unfilled)}")
        if outcome.differs:
            report(f"  同じ{kind}が {outcome.differs} にあり、書かれたことが違うので、別のファイルに書きました。2つを見比べて（"
                   f"`diff {outcome.differs} {outcome.written}`）、残す方に違いを書き移してください")
        clash = number_clash(outcome, linking, forms) if not outcome.differs else ""
        if clash:
            report(clash)
        for note in outcome.imported.notes:
            report(f"  置けなかった文: {note.where}{'（' + note.near + '）' if note.near else ''}: 「{shorten(note.text)}」")
    report(summary(outcomes, forms))
    return 1 if missing or any(o.refused for o in outcomes) else 0


#: Which source of one document to keep when several come in at once: Word holds every paragraph break, PDF fewer.
BATCH = "\0"  # marks a `same` that names a source of this import, not a content file

SOURCE_RANK = {"docx": 0, "pdf": 1, "text": 2}


DATE = re.compile(r"^\d{4}-\d{2}(?:-\d{2})?")


def dates_in(value) -> set:
    """Every date a document's fields hold (its periods, 時期 …), as text: 2026-04-01, 2026-04."""
    if isinstance(value, dict):
        return set().union(*(dates_in(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(dates_in(v) for v in value)) if value else set()
    match = DATE.match(str(value)) if value is not None and not isinstance(value, (bool, int)) else None
    return {match.group(0)} if match else set()


def identity(kind: str, meta: dict, forms) -> tuple:
    """What makes two files the same document: an item's 件名, 資料番号 and the dates of its periods (the same item
    brought again next year has the same title and often the same number, never the same periods); a meeting's
    表題, 開催日 and 回."""
    form = forms.agenda if kind == "agenda" else forms.meeting
    roles = ("title", "number") if kind == "agenda" else ("council", "date", "number")
    keys = [form.role(r).key for r in roles if form.role(r) is not None]
    return (kind,) + tuple(norm(str(meta.get(k, ""))) for k in keys) + tuple(sorted(dates_in(meta)))


def existing_documents(fronts: list, forms) -> dict:
    """{identity: [(content file, front matter, body)]} of the documents already in content/ (a file that does not
    parse is left out)."""
    found: dict = {}
    for kind, path, meta, body in fronts:
        found.setdefault(identity(kind, meta, forms), []).append((path, meta, body))
    return found


def printed_fields(kind: str, meta: dict, body: str, forms) -> tuple:
    """What the Word and PDF forms print of a document: its fields less 状態, 公開 and 要確認, and its body."""
    form = forms.agenda if kind == "agenda" else forms.meeting
    skip = {f.key for f in (form.role("status"), form.role("public"), form.role("notes")) if f is not None}
    fields = {k: v for k, v in meta.items() if k not in skip}
    items = form.role("items") if kind == "meeting" else None
    if items is not None and isinstance(fields.get(items.key), list):
        # a meeting's items as import links them: `付議事項: file` in place of the 件名 (see link) — compared without
        by = {p.role: p.key for p in items.parts}
        drop = {by.get("agenda"), by.get("title")}
        fields[items.key] = [{k: v for k, v in i.items() if k not in drop} if isinstance(i, dict) else i
                             for i in fields[items.key]]
    return fields, (body or "").strip()


def same_content(imported: Imported, meta: dict, body: str, forms) -> bool:
    """The imported document says what the content file says (as written by import, read back the same way)."""
    import yaml

    text = document_text(imported.meta, imported.body)
    yaml_text, new_body, _ = split_front_matter(text, "", Problems())
    new_meta = yaml.load(yaml_text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    return printed_fields(imported.kind, new_meta, new_body, forms) == printed_fields(imported.kind, meta, body, forms)


def same_documents(outcomes: list, fronts: list, forms) -> None:
    """A document already in content/ (a folder imported again) or brought twice at once (its Word file and its PDF,
    the same file named twice) is written once: the others say where it is (an import never makes a duplicate)."""
    there = existing_documents(fronts, forms)
    found: dict = {}
    read = [o for o in outcomes if o.imported]
    for outcome in sorted(read, key=lambda o: SOURCE_RANK.get(o.kind, 3)):  # stable: the order given within a kind
        key = identity(outcome.imported.kind, outcome.imported.meta, forms)
        if key in found:  # its Word file and its PDF, or the same file twice: the best read one is written
            outcome.same = found[key]
            continue
        found[key] = f"{BATCH}{outcome.source}"
        for path, meta, body in there.get(key, ()):
            if same_content(outcome.imported, meta, body, forms):
                outcome.same = str(path)  # imported before (a folder brought again): nothing new
                break
        else:
            if key in there:  # the same document, edited since (a department's Word file coming back): written beside
                outcome.differs = str(there[key][0][0])


def document_stem(imported: Imported, forms) -> str:
    """A file name for a source named in Japanese only: agenda-27 (its 資料番号), meeting-2025-09-01 (its 開催日)."""
    form = forms.agenda if imported.kind == "agenda" else forms.meeting
    field = form.role("number") if imported.kind == "agenda" else (form.role("date") or form.role("number"))
    value = file_stem(str(imported.meta.get(field.key, "")) + ".x") if field is not None else ""
    return f"{imported.kind}-{value}" if value else imported.kind


def document_name(imported: Imported, forms) -> str:
    form = forms.agenda if imported.kind == "agenda" else forms.meeting
    field = form.role("number") if imported.kind == "agenda" else (form.role("date") or form.role("number"))
    return f"{form.name}の{field.label}" if field is not None else form.name


def number_clash(outcome: Outcome, linking: dict, forms) -> str:
    """An imported item whose number another item has, and that no meeting names: check cannot tell their 年度 apart."""
    if outcome.imported.kind != "agenda" or outcome.written.stem in linking["named"]:
        return ""
    number_key = forms.agenda.role("number").key
    number = str(outcome.imported.meta.get(number_key))
    others = [o.written.stem if isinstance(o, Outcome) else o for o, _ in linking["numbers"].get(number, ())]
    others = [o for o in others if o != outcome.written.stem]
    if not others:
        return ""
    meeting, items = forms.meeting.name, forms.meeting.role("items").label
    agenda_key = forms.meeting.part("items", "agenda").key
    return (f"  {forms.agenda.texts['番号の接頭語']}{number} は {'、'.join(others[:3])} にもあります。会議の分からない"
            f"{forms.agenda.name}は年度で分けられないので、check は重複として示します。{meeting}も取り込むか、{meeting}の"
            f"{items}に `{agenda_key}: {outcome.written.stem}` を書いてください")


def shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def summary(outcomes: list, forms) -> str:
    clean = [o for o in outcomes if o.imported and not o.same and not o.imported.notes]
    noted = [o for o in outcomes if o.imported and not o.same and o.imported.notes]
    refused = [o for o in outcomes if o.refused]
    same = [o for o in outcomes if o.imported and o.same]
    lines = ["", "| 取り込みの状況 | 件数 |", "| --- | --- |", f"| 取り込み済み | {len(clean)} |",
             f"| 取り込み済み（置けなかった文あり） | {len(noted)} |", f"| 取り込めず | {len(refused)} |"]
    if same:
        lines.append(f"| 取り込み済みの書類と同じ（書かず） | {len(same)} |")
    if noted:
        key = forms.agenda.role("notes").key if forms.agenda.role("notes") else ""
        where = f"各ファイルの `{key}:`" if key else "各ファイルの本文の終わりのコメント"
        lines.append(f"置けなかった文は{where}にあります。`python build.py check` が警告として示します。")
    return "\n".join(lines)
