"""The thin command line over the pipeline: parses arguments, prints problems, sets the exit status."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .problems import ContentError

DEFAULT_DOCX = Path("build/docx")
DEFAULT_SITE = Path("site")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="build.py", description="付議事項・会議概要から Word 文書と公開アーカイブを作ります。")
    sub = top.add_subparsers(dest="command")

    def add(name, help_text, out_default=None):
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--content", type=Path, default=Path("content"), help="コンテンツのフォルダ（既定: content/）")
        if out_default is not None:
            p.add_argument("--out", type=Path, default=out_default, help=f"書き出し先（既定: {out_default}/）")
        return p

    top.add_argument("--content", type=Path, default=Path("content"), help="コンテンツのフォルダ（既定: content/）")
    top.add_argument("--out", type=Path, default=DEFAULT_SITE, help="サイトの書き出し先（既定: site/）")
    top.add_argument("--docx-out", type=Path, default=DEFAULT_DOCX, help="Word の書き出し先（既定: build/docx/）")
    top.add_argument("--strict", action="store_true", help="警告もエラーとして扱う")
    check = add("check", "コンテンツを読み込んで検査します（何も書き出しません）")
    check.add_argument("--strict", action="store_true", help="警告もエラーとして扱う")
    for name, text in (("docx", "Word 文書（.docx）を作ります"), ("pdf", "Word 文書と PDF を作ります（LibreOffice が必要）")):
        p = add(name, text, DEFAULT_DOCX)
        p.add_argument("--strict", action="store_true", help="警告もエラーとして扱う")
    site = add("site", "公開アーカイブのサイトを作ります", DEFAULT_SITE)
    site.add_argument("--strict", action="store_true", help="警告もエラーとして扱う")
    site.add_argument("--docx-out", type=Path, default=None,
                      help="指定すると Word 文書もこのフォルダに作り、サイトからダウンロードできるようにします")
    new = add("new", "新しい付議事項・会議概要のひな形を作ります")
    new.add_argument("kind", choices=["agenda", "meeting"], help="agenda（付議事項）か meeting（会議概要）")
    new.add_argument("name", help="ファイル名（英数字とハイフン、.md なし）。URL にもなります")
    new.add_argument("--category", "-c", action="append", default=[], help="付議する区分（電算処理・外部結合・業務委託・再委託）。複数可")
    new.add_argument("--title", default="", help="件名")
    new.add_argument("--number", type=int, default=None, help="資料番号（付議事項）または回（会議概要）")
    new.add_argument("--date", default=None, help="開催日 YYYY-MM-DD（会議概要）")
    add("schema", "エディタ用の JSON Schema を書き出します", Path("schema"))
    return top


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    command = args.command or "all"
    try:
        return run(command, args)
    except ContentError as err:
        errors, warnings = len(err.problems.errors), len(err.problems.warnings)
        print(f"エラー {errors} 件、警告 {warnings} 件。何も書き出していません。", file=sys.stderr)
        return 1


def run(command: str, args) -> int:
    from . import pipeline

    if command == "check":
        archive = pipeline.checked_archive(args.content, args.strict)
        print(f"OK: 付議事項 {len(archive.agendas)} 件、会議 {len(archive.meetings)} 件、チェックリスト {len(archive.catalog)} 種")
        return 0
    if command in ("docx", "pdf"):
        written = pipeline.build(args.content, docx_out=args.out, pdf=command == "pdf", strict=args.strict)
        print(f"{counts(written['docx'])} → {args.out}/")
        return 0
    if command == "site":
        pipeline.build(args.content, docx_out=args.docx_out, site_out=args.out, strict=args.strict)
        print(f"サイト → {args.out}/")
        return 0
    if command == "all":
        written = pipeline.build(args.content, docx_out=args.docx_out, site_out=args.out, strict=args.strict)
        print(f"{counts(written['docx'])} → {args.docx_out}/、サイト → {args.out}/")
        return 0
    if command == "new":
        from .scaffold import scaffold

        return scaffold(args)
    if command == "schema":
        from .schema import write_schema

        for path in write_schema(args.out):
            print(f"JSON Schema → {path}")
        return 0
    raise AssertionError(command)


def counts(paths) -> str:
    """Word: 5 件 (PDF: 5 件)"""
    suffixes = [Path(p).suffix for p in paths]
    text = f"Word: {suffixes.count('.docx')} 件"
    return text + (f"、PDF: {suffixes.count('.pdf')} 件" if ".pdf" in suffixes else "")
