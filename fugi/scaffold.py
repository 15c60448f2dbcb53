"""`build.py new`: write a new agenda or meeting file that validates as written, checklists filled from the catalog."""
from __future__ import annotations

import re
import sys
from pathlib import Path

from . import model as m
from .load import CATALOG_DIR, load_yaml_file
from .problems import Problems
from .validate import parse_catalog

TODO = "【要記入】"
NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def scaffold(args) -> int:
    """Check the request, write the file, tell the clerk what to fill in."""
    problems = []
    if not NAME.match(args.name):
        problems.append(f"name: 「{args.name}」はファイル名に使えません — 半角英小文字・数字・ハイフンで書いてください（例: aircon-josei）")
    folder = "agendas" if args.kind == "agenda" else "meetings"
    target = Path(args.content) / folder / f"{args.name}.md"
    if target.exists():
        problems.append(f"{target}:1: name: すでにあります — 別の名前にするか、既存のファイルを編集してください")
    if args.kind == "agenda":
        categories = [c for c in args.category]
        for category in categories:
            if category not in m.SHEET_CATEGORIES:
                problems.append(f"--category: 「{category}」は区分ではありません — {'・'.join(m.SHEET_CATEGORIES)} のいずれかを書いてください")
        if not categories:
            problems.append("--category: 区分がありません — `-c 外部結合` のように付議する区分を1つ以上指定してください")
        if "再委託" in categories and "業務委託" not in categories:
            categories.append("業務委託")
        catalog = load_catalog(Path(args.content), problems)
    if problems:
        for problem in problems:
            print(problem)
        return 1
    if args.kind == "agenda":
        text = agenda_text(args, categories, catalog)
    else:
        text = meeting_text(args)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"作成しました: {target}")
    print(f"「{TODO}」と書かれた箇所を埋めてください（残っていると check が警告します）。")
    if args.kind == "agenda":
        print("状態は 下書き、公開は false で作りました。提出するときに 状態: 提出済 に、公開してよいときに 公開: true にしてください。")
    else:
        print("公開は false で作りました。会議概要を公開してよいときに 公開: true にしてください。")
    print(f"確かめるには: python build.py check --content {args.content}")
    return 0


def load_catalog(content: Path, problems: list) -> dict:
    found, catalog = Problems(), {}
    for path in sorted((content / CATALOG_DIR).glob("*.yml")):
        src = load_yaml_file(path, content, found)
        entry = parse_catalog(src, found) if src else None
        if entry:
            catalog[entry.category] = entry
    problems += [str(p) for p in found.errors]
    return catalog


def q(text: str) -> str:
    """A YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def agenda_text(args, categories, catalog) -> str:
    title = args.title or TODO
    number = args.number or 1
    basis = [c for c in m.BASIS_CATEGORIES if c in categories]
    lines = [
        "---",
        f"件名: {q(title)}",
        f"資料番号: {number}" + ("" if args.number else "  # 【要記入】資料番号"),
        "状態: 下書き  # 下書き / 提出済 / 決定",
        "公開: false  # 公開サイトに載せてよいときに true",
        f"要綱の根拠: [{', '.join(basis)}]",
        "担当部課:",
        f"  - 部: {q(TODO + '部')}",
        f"    課: [{q(TODO + '課')}]",
        "事業の概要:",
        f"  事業名: {q(TODO)}",
        f"  担当課: [{q(TODO + '課')}]",
        f"  目的: {q(TODO)}",
        f"  対象者: {q(TODO)}",
    ]
    for category in m.SHEET_CATEGORIES:
        if category in categories:
            lines += sheet_lines(category, title)
    lines += [f"個人情報の流れ: {{}}  # 図があれば 図: images/{args.name}.png"]
    lines += ["チェックリスト:"]
    for category in basis:
        lines += checklist_lines(catalog.get(category), category)
    lines += ["---", "## 1 概要", "", TODO, "", "## 2 個人情報保護管理運営会議への付議内容", "", TODO,
              "", f"※個人情報の流れは、資料{number}-1のとおり", ""]
    return "\n".join(lines)


def sheet_lines(category: str, title: str) -> list:
    lines = [f"{category}:", f"  件名: {q(title)}"]
    for spec in m.SHEET_FIELDS[category]:
        if spec.key == "委託先" and category == "再委託":
            lines += ["  委託先:", f"    - 名称: {q(TODO)}  # 業務委託の委託先と同じ名称"]
        elif spec.kind == "names":
            lines.append(f"  {spec.key}: [{q(TODO + '課')}]")
        elif spec.kind == "partners":
            lines += [f"  {spec.key}:", f"    - 名称: {q(TODO)}", f"      注記: {q('プライバシーマーク取得済み')}  # 不要なら消す"]
        elif spec.kind == "periods":
            lines += [f"  {spec.key}:", "    - 開始: 2026-04-01  # 【要記入】YYYY-MM-DD（月までなら YYYY-MM）",
                      "      終了: 2027-03-31  # 終わりがなければ 終了: なし"]
        else:
            lines.append(f"  {spec.key}: {q(spec.default or TODO)}")
    return lines


def checklist_lines(entry, category: str) -> list:
    if entry is None:
        return [f"  {category}: {{}}"]
    lines = [f"  {category}:  # 対策が必要ないものは「－」に、文言を変えるときは {{印: ○, 文言: …}}"]
    for half_key in m.HALVES:
        half = entry.halves[half_key]
        lines.append(f"    {half_key}:  # {half.heading}")
        for group in m.GROUPS:
            lines.append(f"      {group}:")
            for index, sentence in enumerate(half.groups.get(group, ()), start=1):
                lines.append(f"        {index}: ○  # {sentence}")
    return lines


def meeting_text(args) -> str:
    lines = ["---", f"回: {args.number or 1}" + ("" if args.number else "  # 【要記入】第何回か")]
    if args.date:
        lines.append(f"開催日: {args.date}")
    else:
        lines.append("# 開催日: 2025-09-01  # 分かったら書く（分からないままなら書かない）")
    lines += [
        '# 開始: "09:30"',
        '# 終了: "10:00"',
        f"場所: {q(TODO)}",
        "公開: false",
        "出席者:",
        f"  - 職名: {q(TODO)}",
        "    役割: 会長",
        f"  - {q(TODO)}",
        "審議内容: 新宿区個人情報保護管理運営会議の組織及び運営に関する要綱第3条第3号に掲げる事項",
        "審議事項:",
        f"  - 件名: {q(TODO)}  # 付議事項のファイルがあれば 付議事項: ファイル名",
        "    # 決定: 承認  # 承認 / 条件付承認 / 継続審議 / 不承認 / 取下げ",
        "---",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    sys.exit("use: python build.py new …")
