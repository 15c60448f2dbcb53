"""`build.py new`: a new agenda or meeting file, made from the form definition, that validates as written."""
from __future__ import annotations

import re

from pathlib import Path

from fugi.forms.kinds import TODO, q
from fugi.forms.registry import KINDS
from fugi.validate.limits import MAX_VALUE, text_problems
from fugi.source.files import name_problem
from fugi.source.reader import Context, hint_choices, parse_date

def scaffold(args) -> int:
    """Check the request, write the file, tell the clerk what to fill in."""
    from fugi.pipeline import load_archive

    content = Path(args.content)
    archive, found = load_archive(content)
    forms = archive.forms
    problems = [str(p) for p in found.errors if forms is None]
    if forms is None:
        return report(problems)
    why = name_problem(args.name)
    if why:
        problems.append(f"name: 「{args.name}」はファイル名に使えません — {why}")
    for message, hint in title_problems(args.title or ""):
        problems.append(f"--title: {message} — {hint}")
    folder = "agendas" if args.kind == "agenda" else "meetings"
    target = content / folder / f"{args.name}.md"
    if target.exists():
        problems.append(f"{target}:1: name: すでにあります — 別の名前にするか、既存のファイルを編集してください")
    if args.kind == "agenda":
        chosen = chosen_categories(args.category, forms, problems)
        used = {a.number for a in archive.agendas}
        if args.number is not None and str(args.number) in used:
            problems.append(f"--number: {forms.agenda.texts['番号の接頭語']}{args.number} はすでに使われています — "
                            f"空いている番号は {next_free(used)} です")
    elif args.date is not None:
        recorder = Recorder()
        parse_date(Context("--date", recorder), args.date, 1, "--date")
        problems += recorder
    if problems:
        return report(problems)
    if args.kind == "agenda":
        text = agenda_text(args, chosen, forms, archive.catalog, number=args.number or next_free(used))
    else:
        text = meeting_text(args, forms)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"作成しました: {target}")
    print(f"「{TODO}」と書かれた箇所を埋めてください（残っていると check が知らせます）。")
    public = (forms.agenda if args.kind == "agenda" else forms.meeting).role("public").key
    if args.kind == "agenda":
        status = forms.agenda.role("status").key
        print(f"{status}は {forms.status_word('draft')}、{public}は false で作りました。提出するときに {status}: "
              f"{forms.status_word('submitted')} に、サイトに載せてよいときに {public}: true にしてください。")
    else:
        print(f"{public}は false で作りました。サイトに載せてよいときに {public}: true にしてください。")
    print(f"確かめるには: python build.py check --content {args.content}")
    return 0


def title_problems(title: str) -> list:
    """What check would refuse in the title, refused before the file is written: a line break, a control character."""
    found = [(message, hint) for _, message, hint in text_problems(title, MAX_VALUE)]
    if any(mark in title for mark in "\n\r\u2028\u2029"):
        found.insert(0, ("改行が入っています", "--title は1行で書いてください（長い表題は印字のときに折り返されます）"))
    return found


class Recorder(list):
    """Collects the problems of a check run outside a content file (command-line options)."""

    def error(self, path, line, field, message, hint=""):
        self.append(f"{field}: {message} — {hint}")


def report(problems) -> int:
    for problem in problems:
        print(problem)
    return 1


def next_free(used) -> int:
    numbers = {int(n) for n in used if str(n).isdigit()}
    return max(numbers, default=0) + 1


def chosen_categories(names, forms, problems) -> list:
    known = [c.name for c in forms.categories]
    chosen = []
    for name in names:
        if forms.category(name) is None:
            problems.append(f"--category: 「{name}」は区分ではありません — {hint_choices(name, known)}")
        elif name not in chosen:
            chosen.append(name)
    if not names:
        problems.append(f"--category: 区分がありません — `-c {known[0]}` のように区分を1つ以上指定してください")
    for name in list(chosen):
        parent = forms.category(name).parent
        if parent and parent not in chosen:
            chosen.append(parent)  # a 再委託 needs its 業務委託
    return [c for c in known if c in chosen]


def agenda_text(args, chosen, forms, catalog, number) -> str:
    title = args.title or TODO
    form = forms.agenda
    lines = ["---"]
    for field in form.fields:
        role = field.role
        if role == "title":
            lines.append(f"{field.key}: {q(title)}")
        elif role == "number":
            lines.append(f"{field.key}: {number}" + ("" if args.number else f"  # 空いている番号です。{TODO}"))
        elif role == "status":
            words = forms.words(field.vocabulary)
            lines.append(f"{field.key}: {forms.status_word('draft')}  # {' / '.join(words)}")
        elif role == "public":
            lines.append(f"{field.key}: false  # サイトに載せてよいときに true")
        elif role == "basis":
            lines += KINDS["categories"].scaffold(field, forms, [c for c in chosen if forms.category(c).basis])
        elif role == "sheets":
            lines += KINDS["sheets"].scaffold(field, forms, chosen, args.title)
        elif role == "checklists":
            lines += KINDS["checklists"].scaffold(field, forms, chosen, catalog)
        elif role != "article":
            lines += KINDS[field.kind].scaffold(field, forms)
    body = form.texts.get("本文のひな形") or TODO
    return "\n".join(lines + ["---", body.replace("{番号}", str(number)).rstrip("\n"), ""])


def meeting_text(args, forms) -> str:
    lines = ["---"]
    for field in forms.meeting.fields:
        role = field.role
        if role == "number":
            lines.append(f"{field.key}: {args.number or 1}" + ("" if args.number else f"  # {TODO}第何回か"))
        elif role == "date" and not args.date and field.required:  # a meeting named by its date needs one
            named = re.fullmatch(r"\d{4}-\d{2}-\d{2}", args.name or "")
            lines.append(f"{field.key}: {args.name}" if named else f"{field.key}: {q(TODO)}  # {field.label}（年-月-日）")
        elif role == "date":
            lines.append(f"{field.key}: {args.date}" if args.date else
                         f"# {field.key}: 2025-09-01  # 分かったら書く（分からないままなら書かない）")
        elif role == "public":
            lines.append(f"{field.key}: false")
        elif role == "basis_text":
            lines.append(f"{field.key}: {q(forms.council['審議の根拠'])}" if forms.council["審議の根拠"] else
                         f"{field.key}: {q(TODO)}")
        elif role == "place":
            lines.append(f"{field.key}: {q(TODO)}")
        elif role not in ("council", "advice", "remarks"):
            lines += KINDS[field.kind].scaffold(field, forms)
    return "\n".join(lines + ["---", ""])
