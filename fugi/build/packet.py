"""`build.py packet MEETING`: the members' packet of one meeting — its 次第 as a Word file and one PDF (the 次第,
then every item's PDF in the order of the meeting, bookmarked and page-numbered through).

The items' Word and PDF files are those of `build.py pdf` (the same cache keys: an unchanged item is not converted
again).  The packet goes to the members before the meeting, so draft and non-public items are included; the
command says which.  The public site never links a packet (it is not among the site's outputs)."""
from __future__ import annotations

from pathlib import Path

from fugi import model as m
from fugi.problems import ContentError, Problems

DEFAULT_PACKETS = Path("build/packets")


def find_meeting(archive: m.Archive, name: str, content: Path) -> m.Meeting:
    from fugi.source.reader import suggest

    found = next((mt for mt in archive.meetings if mt.id == name), None)
    if found is None:
        problems = Problems()
        known = sorted(mt.id for mt in archive.meetings)
        hint = suggest(name, known) or f"{content}/meetings/ にあるファイル名（.md なし）を書いてください"
        problems.error(f"{content}/meetings/{name}.md", 1, "packet",
                       f"「{name}」という{archive.forms.meeting.name}はありません", hint)
        raise ContentError(problems)
    return found


def refuse_without_order(archive: m.Archive) -> None:
    """A council whose forms declare no 次第 cannot make a packet: said at 会議 of its forms.yml."""
    from fugi.views.order import order_words

    if order_words(archive.forms) is None:
        problems = Problems()
        problems.error(archive.forms.path, 1, "会議.次第", "次第の言葉（始め・議事・その他・終わりなど）がありません",
                       "forms.yml の `会議:` に `次第:` を書いてください（書き方は content/FORMS.md の「次第」）")
        raise ContentError(problems)


def packet(content: Path, name: str, out: Path | None = None, strict: bool = False, report=print) -> dict:
    """Make the packet of meeting `name` in out/<name>/; returns {"docx": path, "pdf": path, "view": OrderView}."""
    from fugi.build.cache import open_cache
    from fugi.build.documents import Keys, render_pdfs, render_word
    from fugi.build.outputs import display, writing
    from fugi.pipeline import checked_archive, refuse_misplaced_cache, rendering
    from fugi.views.order import order_view, order_words
    from fugi.views.printed import labels
    from fugi.word.packet_pdf import PacketError, assemble
    from fugi.word.pdf import PdfError, soffice_path
    from fugi.word.render_docx import fail, order_docx
    from fugi.resources import Templates

    content = Path(content).resolve()
    target = Path(out or DEFAULT_PACKETS) / name
    refuse_misplaced_cache(content, {"packet": target}, report)
    archive = checked_archive(content, strict, report)
    meeting = find_meeting(archive, name, content)
    refuse_without_order(archive)
    view = order_view(meeting, archive.forms)
    words = order_words(archive.forms)
    if soffice_path() is None:
        fail("build.py packet", f"{view.name}の PDF を作るには LibreOffice（soffice）が必要ですが、見つかりません",
             "LibreOffice を入れてください（Debian: sudo apt-get install libreoffice-writer-nogui fonts-ipaexfont）")
    templates = Templates.of(content)  # the council's templates/ beside content/ over the shipped ones
    with writing({"packet": target}, content, report) as outputs, rendering(report):
        cache = open_cache(content)
        order = order_docx(meeting, archive.forms, view, templates)
        items = [one for one in view.items if one.agenda is not None]
        needed = {id(one.agenda): one.agenda for one in items}
        part = m.Archive(agendas=list(needed.values()), meetings=[], catalog=archive.catalog, forms=archive.forms,
                         vocabulary=archive.vocabulary, readings=archive.readings)
        word = render_word(part, content, cache, Keys(archive, content, "all", templates))  # the keys of build.py pdf
        try:
            pdfs = render_pdfs({("order", meeting.id): order, **word}, cache, outputs.work)
        except PdfError as err:
            fail("build.py packet", str(err), "LibreOffice の出力を確かめてください")
        parts = [(view.title, pdfs[("order", meeting.id)])]
        parts += [(f"{one.paper} {one.title}", pdfs[("agendas", one.agenda.id)]) for one in items]
        try:
            data = assemble(parts, f"{view.title} {view.name}", meeting.council, meeting.date)
        except PacketError as err:
            fail("build.py packet", str(err), "fonts-ipaexfont を入れてください（Debian: sudo apt-get install fonts-ipaexfont）")
        stage = outputs.stage("packet")
        docx_path = stage / f"{words['名称']}.docx"
        pdf_path = stage / f"{view.name}.pdf"
        docx_path.write_bytes(order)
        pdf_path.write_bytes(data)
        cache.prune()
    shown = display(target)
    from pypdf import PdfReader
    import io

    pages = len(PdfReader(io.BytesIO(data)).pages)
    said = labels(archive.forms)
    report(f"{view.title}: {said.items} {len(view.items)} 件（{archive.forms.agenda.name} {len(items)} 件）、{pages} ページ → "
           f"{shown}{docx_path.name}・{shown}{pdf_path.name}")
    without = [one for one in view.items if one.agenda is None]
    if without:
        report(f"ファイルのない{said.items} {len(without)} 件は、{words['名称']}に"
               f"{said.title}だけを載せています: " + "、".join(f"({one.number})" for one in without))
    if view.unpublished:
        listed = "、".join(f"{one.paper}（{one.agenda.status_word if one.agenda.status == 'draft' else said.public + ': false'}）"
                          for one in view.unpublished)
        report(f"サイトに載せない{archive.forms.agenda.name}も含めています（会員に配るためのものです。外へ出さないでください）: {listed}")
    return {"docx": target / docx_path.name, "pdf": target / pdf_path.name, "view": view, "pages": pages}
