"""The thin command line over the pipeline: parses arguments, prints problems, sets the exit status."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fugi.problems import ContentError

DEFAULT_DOCX = Path("build/docx")
DEFAULT_SITE = Path("site")
DEFAULT_SCHEMA = Path("schema")
OUT_HELP = {
    "all": "書き出し先。Word/PDF は DIR/docx/、サイトは DIR/site/ に作ります（既定: build/docx/ と site/）",
    "docx": "Word 文書の書き出し先（既定: build/docx/）",
    "pdf": "Word 文書と PDF の書き出し先（既定: build/docx/）",
    "site": "サイトの書き出し先（既定: site/）",
    "schema": "JSON Schema の書き出し先（既定: schema/）",
    "packet": "会員へ送る一式の書き出し先。DIR/<会議のファイル名>/ に作ります（既定: build/packets/）",
}


def common_options(suppress: bool) -> argparse.ArgumentParser:
    """Options accepted before or after the subcommand (`build.py --strict check` = `build.py check --strict`)."""
    default = (lambda value: argparse.SUPPRESS) if suppress else (lambda value: value)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--content", type=Path, default=default(Path("content")), metavar="DIR",
                        help="コンテンツのフォルダ（既定: content/）")
    common.add_argument("--strict", action="store_true", default=default(False), help="警告もエラーとして扱う")
    common.add_argument("--out", type=Path, default=default(None), metavar="DIR",
                        help="書き出し先（コマンドごとの既定は各コマンドの --help を参照）")
    return common


def site_options(suppress: bool) -> argparse.ArgumentParser:
    """The options of the commands that make the site (no subcommand and `site`), before or after the subcommand."""
    default = (lambda value: argparse.SUPPRESS) if suppress else (lambda value: value)
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument("--docx-out", type=Path, default=default(None), metavar="DIR",
                         help="Word 文書の書き出し先（サイトと別のフォルダにするとき。site では、指定すると Word 文書も"
                              "このフォルダに作ります）")
    options.add_argument("--no-pdf", action="store_true", default=default(False),
                         help="PDF を作りません（LibreOffice があっても。Word 文書とサイトだけを早く作るとき）")
    return options


def words(argv) -> dict:
    """The names the help speaks of, from the forms of the --content folder (generic words without one)."""
    from fugi.forms.definition import load_forms
    from fugi.problems import Problems

    argv = sys.argv[1:] if argv is None else argv
    known, _ = common_options(suppress=False).parse_known_args(argv)
    asked = any(arg in ("-h", "--help") for arg in argv)  # only the help prints them: a build reads the forms once
    forms = load_forms(known.content, Problems()) if asked and Path(known.content).is_dir() else None
    if forms is None:
        return {"agenda": "議題", "meeting": "会議の書類", "title": "表題", "number": "番号", "date": "日付"}
    return {"agenda": forms.agenda.name, "meeting": forms.meeting.name, "title": forms.agenda.role("title").label,
            "number": forms.agenda.role("number").label,
            "date": forms.meeting.role("date").label if forms.meeting.role("date") else "日付"}


def program() -> str:
    """The command's name as the user typed it: `fugi` when installed, else the checkout's `build.py`."""
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else ""
    return "fugi" if name == "fugi" else "build.py"


def parser(argv=None) -> argparse.ArgumentParser:
    w = words(argv)
    top = argparse.ArgumentParser(prog=program(), parents=[common_options(suppress=False), site_options(suppress=False)],
                                  description=f"{w['agenda']}・{w['meeting']}から Word 文書とサイトを作ります。"
                                              "サブコマンドなしで Word 文書とサイトの両方を作ります。")
    sub = top.add_subparsers(dest="command", metavar="{check,docx,pdf,site,serve,review,new,import,packet,schema}")
    common = common_options(suppress=True)

    def add(name, help_text, *more):
        text = help_text + (f"。--out: {OUT_HELP[name]}" if name in OUT_HELP else "")
        return sub.add_parser(name, help=help_text, description=text, parents=[common, *more])

    add("check", "コンテンツを読み込んで検査します（何も書き出しません）")
    add("docx", "Word 文書（.docx）を作ります")
    add("pdf", "Word 文書と PDF を作ります（LibreOffice が必要）")
    add("site", "サイト（載せてよいものだけのアーカイブ）を作ります", site_options(suppress=True))
    serve = add("serve", f"すべての{w['agenda']}・{w['meeting']}（サイトに載せないものは印付き）のプレビューを "
                         "http://127.0.0.1:8000/ で表示し、保存のたびに作り直してページを再読み込みします"
                         "（Word は build/preview-docx/ に作ります）")
    serve.add_argument("--port", type=int, default=8000, help="ポート番号（既定: 8000。0 なら空いている番号）")
    review = add("review", f"{w['agenda']}を標準・先例・個人情報の種類から確かめます（何も書き出しません）")
    review.add_argument("items", nargs="*", metavar="ITEM",
                        help=f"{w['agenda']}のファイル名（.md なし）。省略すると未決のものすべて")
    review.add_argument("--format", choices=["text", "md"], default="text",
                        help="text（端末で読む。既定）か md（会議に添える Markdown の報告）")
    new = add("new", f"新しい{w['agenda']}・{w['meeting']}のひな形を作ります")
    new.add_argument("kind", choices=["agenda", "meeting"], help=f"agenda（{w['agenda']}）か meeting（{w['meeting']}）")
    new.add_argument("name", help="ファイル名（英数字とハイフン、.md なし）。URL にもなります")
    new.add_argument("--category", "-c", action="append", default=[], help=f"{w['agenda']}の区分。複数可")
    new.add_argument("--title", default="", help=w["title"])
    new.add_argument("--number", type=int, default=None, help=f"{w['number']}（{w['agenda']}）または回（{w['meeting']}）")
    new.add_argument("--date", default=None, help=f"{w['date']} YYYY-MM-DD（{w['meeting']}）")
    add("schema", "エディタ用の JSON Schema を書き出します")
    imp = add("import", f"{w['agenda']}・{w['meeting']}の Word 文書・PDF・テキスト（フォルダごとでも）をコンテンツのファイルにします"
                        "（既にあるファイルは上書きしません）")
    imp.add_argument("sources", nargs="+", metavar="FILE", help="取り込むファイルかフォルダ（いくつでも）")
    packet = add("packet", f"会議の前に会員へ送る一式: 次第の Word 文書と、次第・各{w['agenda']}の PDF を1つにした PDF"
                           "（しおり・通しのページ番号付き。サイトに載せないものも含みます）を作ります（LibreOffice が必要）")
    packet.add_argument("meeting", metavar="MEETING", help=f"{w['meeting']}のファイル名（.md なし）")
    return top


def main(argv=None) -> int:
    try:
        return checked_main(argv)
    except KeyboardInterrupt:  # Ctrl+C: outputs are replaced whole or not at all, so nothing is left half-written
        print("中断しました（出力は前のままです）", file=sys.stderr)
        return 130
    except Exception as err:  # noqa: BLE001 - a bug: one line for the user, the trace in a file
        from fugi.problems import INTERNAL_ERROR, internal_error

        print(internal_error(err, sys.argv[1:] if argv is None else argv), file=sys.stderr)
        return INTERNAL_ERROR


def checked_main(argv=None) -> int:
    from fugi.source.files import given_as

    args = parser(argv).parse_args(argv)
    command = args.command or "all"
    given_as(args.content)  # files outside the working folder are printed under the folder's name as given
    try:
        return run(command, args)
    except ContentError as err:
        if not getattr(err, "printed", False):
            for problem in err.problems.sorted():
                print(str(problem))
        errors, warnings = len(err.problems.errors), len(err.problems.warnings)
        print(f"エラー {errors} 件、警告 {warnings} 件。何も書き出していません。", file=sys.stderr)
        return 1


def targets(command: str, args) -> dict:
    """Where each output of the command goes: {"docx": folder, "site": folder}."""
    if command == "all":
        if args.out is not None:
            return {"docx": args.docx_out or args.out / "docx", "site": args.out / "site"}
        return {"docx": args.docx_out or DEFAULT_DOCX, "site": DEFAULT_SITE}
    if command in ("docx", "pdf"):
        return {"docx": args.out or DEFAULT_DOCX}
    if command == "site":
        return {"site": args.out or DEFAULT_SITE, **({"docx": args.docx_out} if args.docx_out else {})}
    return {}


#: The commands that write nowhere --out could move: what they do instead.
NO_OUT = {
    "check": "check は何も書き出しません",
    "review": "review は何も書き出しません（--format md の報告は画面に出します。ファイルにするなら > 報告.md）",
    "serve": "serve のプレビューは build/preview/ と build/preview-docx/ に作ります",
    "new": "ひな形はコンテンツのフォルダの中（agendas/・meetings/）に作ります。別の会議のアーカイブなら --content DIR",
    "import": "取り込んだファイルはコンテンツのフォルダの中（agendas/・meetings/）に書きます。別のフォルダなら --content DIR",
}


def run(command: str, args) -> int:
    from fugi import pipeline
    from fugi.build.outputs import display

    if command in NO_OUT and args.out is not None:
        from fugi.problems import Problems

        problems = Problems()
        problems.error(str(args.out), 1, "--out", f"{command} には書き出し先がありません（{NO_OUT[command]}）",
                       "--out を外して、もう一度実行してください")
        raise ContentError(problems)
    if command == "check":
        print(pipeline.check(args.content, args.strict))
        return 0
    if command in ("docx", "pdf", "site", "all"):
        where = targets(command, args)
        written = pipeline.build(args.content, docx_out=where.get("docx"), site_out=where.get("site"),
                                 pdf=command == "pdf", strict=args.strict, site_pdf=not args.no_pdf,
                                 pdf_when_possible=command == "all" and not args.no_pdf, keep_pdf=args.no_pdf)
        if "docx" in where:
            print(f"{counts(written['docx'])} → {display(where['docx'])}")
        if "site" in where:
            print(f"サイト（{len(written['site'])} ファイル）→ {display(where['site'])}")
        return 0
    if command == "serve":
        from fugi.preview.serve import serve

        return serve(args.content, args.port, strict=args.strict)
    if command == "review":
        return review(args)
    if command == "new":
        from fugi.forms.scaffold import scaffold

        return scaffold(args)
    if command == "import":
        from fugi.importer.run import run_import

        return run_import(args.sources, args.content)
    if command == "packet":
        from fugi.build.packet import packet

        packet(args.content, args.meeting, args.out, strict=args.strict)
        return 0
    if command == "schema":
        from fugi.build.outputs import writing
        from fugi.forms.schema import write_schema

        forms = pipeline.checked_forms(args.content)
        target = args.out or DEFAULT_SCHEMA
        with writing({"schema": target}, args.content) as outputs:  # a folder of fugi's, like every output
            names = [path.name for path in write_schema(outputs.stage("schema"), forms)]
        for name in names:
            print(f"JSON Schema → {display(target)}{name}")
        return 0
    raise AssertionError(command)


def counts(paths) -> str:
    """Word: 5 件、PDF: 5 件"""
    suffixes = [Path(p).suffix for p in paths]
    text = f"Word: {suffixes.count('.docx')} 件"
    return text + (f"、PDF: {suffixes.count('.pdf')} 件" if ".pdf" in suffixes else "")


def review(args) -> int:
    """`build.py review [ITEM …] [--format md]`: the report on stdout, the content's problems on stderr."""
    from fugi import pipeline
    from fugi.source.reader import suggest
    from fugi.review.findings import UnknownItem, review as review_items
    from fugi.review.report import md_report, text_report

    archive = pipeline.checked_archive(args.content, args.strict, report=lambda line: print(line, file=sys.stderr))
    try:
        reviews = review_items(archive, args.items)
    except UnknownItem as err:
        name = archive.forms.agenda.name
        for missing in err.names:
            hint = suggest(missing, err.known) or f"{args.content}/agendas/ にあるファイル名（.md なし）を書いてください"
            print(f"build.py review: 「{missing}」という{name}はありません — {hint}", file=sys.stderr)
        return 1
    import datetime as dt

    from fugi.review.conditions import follow_section

    sys.stdout.write(follow_section(archive, dt.date.today(), markdown=args.format == "md"))  # open conditions first
    sys.stdout.write(md_report(reviews, archive.forms) if args.format == "md" else text_report(reviews, archive.forms))
    return 0
