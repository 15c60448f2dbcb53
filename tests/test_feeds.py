"""The feeds (fugi/site/feeds.py): the Atom feed of decisions and the iCalendar file of meetings, parsed with
libraries (xml.etree, icalendar); the sitemap and canonical links with and without サイト.URL."""
from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar

import sitebuild
from browsing import site_pages

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
COUNCILS = Path(__file__).resolve().parent / "fixtures" / "councils"
TSUBASA_URL = "https://www.city.tsubasa.example/shingikai/"


def entries(site: Path) -> list:
    """Every entry of site/feed.xml as {id, title, link, updated, summary}."""
    root = ET.parse(site / "feed.xml").getroot()
    assert root.tag == f"{ATOM}feed"
    return [{"id": e.findtext(f"{ATOM}id"), "title": e.findtext(f"{ATOM}title"),
             "link": e.find(f"{ATOM}link").get("href"), "updated": e.findtext(f"{ATOM}updated"),
             "summary": e.findtext(f"{ATOM}summary")} for e in root.findall(f"{ATOM}entry")]


def events(site: Path) -> list:
    calendar = Calendar.from_ical((site / "meetings.ics").read_bytes())
    return list(calendar.walk("VEVENT"))


def public_decisions(site: Path) -> dict:
    """What the open data of the same site says was decided at a meeting with a date: page path -> record."""
    data = json.loads((site / "data" / "decisions.json").read_text(encoding="utf-8"))
    found = {}
    for record in data["records"]:
        meeting = record["会議"]
        if meeting is None or not meeting["開催日"]:
            continue
        path = f"agendas/{record['id']}/" if record["id"] else f"meetings/{meeting['id']}/#item-{record['審議事項']}"
        found[path] = record
    return found


# ---------------------------------------------------------------------------
# The planted archive: drafts, a non-public item and a non-public meeting, each with a unique word


@pytest.fixture(scope="module")
def planted() -> Path:
    return sitebuild.planted_site()


def test_nothing_non_public_is_in_the_feed_or_the_calendar(planted):
    for name in ("feed.xml", "meetings.ics"):
        text = (planted / name).read_text(encoding="utf-8")
        for word in sitebuild.SECRET_WORDS + sitebuild.SECRET_IDS:
            assert word not in text, f"「{word}」が {name} に出ています"
    parsed = " ".join(" ".join(str(v) for v in e.values()) for e in entries(planted))
    parsed += " ".join(str(event.get(key, "")) for event in events(planted) for key in ("summary", "description", "location"))
    assert not [w for w in sitebuild.SECRET_WORDS if w in parsed]


def test_every_public_decision_with_a_date_is_an_entry(planted):
    expected = public_decisions(planted)
    found = {e["link"]: e for e in entries(planted)}
    assert set(found) == set(expected) and len(found) == len(entries(planted))
    assert "meetings/zz-public-meeting/#item-1" in found and "agendas/kyoju-support-system/" in found
    for path, entry in found.items():
        record = expected[path]
        assert entry["title"] == f"【{record['決定']}】{record['件名']}"
        assert entry["updated"].startswith(record["会議"]["開催日"]) and entry["updated"].endswith("+09:00")
        assert f"決定: {record['決定']}" in entry["summary"]
        assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", entry["id"])
    # the unpublished item decided at a public meeting: its number and decision, never its title or its page
    masked = found["meetings/zz-public-meeting/#item-1"]
    assert masked["title"] == "【条件付承認】（非公開の付議事項）"
    assert masked["summary"].startswith("決定: 条件付承認\n条件: 非公開の付議事項のため掲載していません\n"
                                        "会議: 新宿区個人情報保護管理運営会議 第98回（令和8年2月2日(月)）")
    assert len({e["id"] for e in entries(planted)}) == len(found)


def test_items_of_no_known_meeting_are_not_entries(planted):
    """A published item whose meeting is not known has no date of decision; it is in the lists and the open data."""
    links = {e["link"] for e in entries(planted)}
    for ident in ("aircon-josei", "kaigo-hoken-hyojunka", "nyuji-tsuen-shien", sitebuild.HOSTILE_ID):
        assert f"agendas/{ident}/" not in links
        assert (planted / "agendas" / ident / "index.html").is_file()


def test_the_feed_describes_the_decision_the_meeting_and_the_item(planted):
    (entry,) = [e for e in entries(planted) if e["link"] == "agendas/kyoju-support-system/"]
    assert entry["title"] == "【承認】居住サポート住宅情報提供システムとの外部結合について"
    assert entry["updated"] == "2025-09-01T09:30:00+09:00"
    assert entry["summary"].split("\n") == [
        "決定: 承認", "会議: 新宿区個人情報保護管理運営会議 第5回（令和7年9月1日(月) 午前9時30分~午前10時00分）",
        "場所: 本庁舎3階 庁議室", "資料番号: 資料27", "区分: 外部結合", "担当部課: 福祉部高齢者支援課、都市計画部住宅課"]
    root = ET.parse(planted / "feed.xml").getroot()
    assert root.findtext(f"{ATOM}title") == "新宿区個人情報保護管理運営会議 アーカイブ（決定）"
    assert root.findtext(f"{ATOM}updated") == "2026-02-02T00:00:00+09:00"  # the newest decision's meeting
    assert root.find(f"{ATOM}author").findtext(f"{ATOM}name") == "新宿区個人情報保護管理運営会議"


def test_every_public_meeting_with_a_date_is_an_event_in_tokyo_time(planted):
    found = {str(e["summary"]): e for e in events(planted)}
    public = {p.split("/")[1] for p in site_pages(planted) if p.startswith("meetings/") and p != "meetings/"}
    assert public == {"2025-05", "zz-first-meeting", "zz-public-meeting"} and len(found) == len(public)
    fifth = found["新宿区個人情報保護管理運営会議 第5回"]
    assert fifth.decoded("dtstart") == dt.datetime(2025, 9, 1, 9, 30, tzinfo=fifth.decoded("dtstart").tzinfo)
    assert str(fifth.decoded("dtstart").tzinfo) == "Asia/Tokyo" and fifth["dtstart"].params["TZID"] == "Asia/Tokyo"
    assert fifth.decoded("dtend").time() == dt.time(10, 0) and str(fifth["location"]) == "本庁舎3階 庁議室"
    assert "(5) 居住サポート住宅情報提供システムとの外部結合について ⇒ 承認" in str(fifth["description"])
    masked = found["新宿区個人情報保護管理運営会議 第98回"]  # no time written: a whole day
    assert masked.decoded("dtstart") == dt.date(2026, 2, 2) and masked.decoded("dtend") == dt.date(2026, 2, 3)
    assert "(1) （非公開の付議事項） ⇒ 条件付承認" in str(masked["description"])
    calendar = Calendar.from_ical((planted / "meetings.ics").read_bytes())
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Asia/Tokyo"
    assert len({str(e["uid"]) for e in events(planted)}) == len(public)


def test_relative_links_without_a_site_url_point_at_pages_that_exist(planted):
    for entry in entries(planted):
        path, _, fragment = entry["link"].partition("#")
        page = (planted / path / "index.html").read_text(encoding="utf-8")
        assert not fragment or f'id="{fragment}"' in page, entry["link"]
    assert not (planted / "sitemap.xml").exists() and not (planted / "sitemap.xml.gz").exists()
    assert "rel=\"canonical\"" not in (planted / "agendas" / "kyoju-support-system" / "index.html").read_text(encoding="utf-8")


def test_every_page_names_the_feeds_and_the_home_and_meetings_pages_link_them(planted):
    for path in site_pages(planted):
        text = (planted / path / "index.html" if not path.endswith(".html") else planted / path).read_text(encoding="utf-8")
        assert re.search(r'<link rel="alternate feed" type="application/atom\+xml" title="[^"]+" href="[^"]*feed\.xml">', text), path
        # the theme fetches sitemap.xml beside every link[rel=alternate] (issue 31: 2 requests a page view)
        assert not re.search(r'<link rel="alternate"', text), path
    home = (planted / "index.html").read_text(encoding="utf-8")
    assert '<a href="feed.xml">決定の新着（Atom フィード）</a>' in home
    assert '<a href="meetings.ics">会議の日程（iCalendar 形式）</a>' in home
    meetings = (planted / "meetings" / "index.html").read_text(encoding="utf-8")
    assert 'href="../meetings.ics"' in meetings and 'href="../feed.xml"' in meetings


def test_ids_do_not_change_when_the_site_gets_an_address():
    from fugi.pipeline import checked_archive
    from fugi.views.public import public_archive
    from fugi.site.feeds import atom_feed, ical_meetings

    public = public_archive(checked_archive(sitebuild.CONTENT, report=lambda line: None))
    ids = lambda data: re.findall(rb"<id>([^<]+)</id>", data)  # noqa: E731
    here, there = atom_feed(public), atom_feed(public, "https://example.org/kaigi/")
    assert ids(here) == ids(there) and len(ids(here)) == 6
    assert b'href="https://example.org/kaigi/agendas/kyoju-support-system/"' in there
    assert b'href="agendas/kyoju-support-system/"' in here
    assert atom_feed(public) == here and ical_meetings(public) == ical_meetings(public)  # the same bytes again


def test_hostile_text_is_text_in_both_files(tmp_path):
    from fugi.pipeline import checked_archive
    from fugi.views.public import public_archive
    from fugi.site.feeds import atom_feed, ical_meetings

    content = tmp_path / "content"
    shutil.copytree(sitebuild.CONTENT, content)
    meeting = content / "meetings" / "2025-05.md"
    hostile = '<script>alert("x")</script> & ]]> {{ 7*7 }}; 件名, ほか'
    meeting.write_text(meeting.read_text(encoding="utf-8").replace(
        "  - 件名: はたちのつどいに係る案内状印刷及び封入封緘作業の委託について",
        "  - 件名: " + sitebuild._q(hostile)), encoding="utf-8")
    public = public_archive(checked_archive(content, report=lambda line: None))
    root = ET.fromstring(atom_feed(public))
    assert f"【承認】{hostile}" in [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")]
    (event,) = Calendar.from_ical(ical_meetings(public)).walk("VEVENT")
    assert f"(2) {hostile} ⇒ 承認" in str(event["description"])


# ---------------------------------------------------------------------------
# With サイト.URL (the つばさ区 fixture sets it): absolute links, canonical links, a complete sitemap


@pytest.fixture(scope="module")
def addressed(tmp_path_factory) -> Path:
    from fugi import pipeline

    root = tmp_path_factory.mktemp("tsubasa")
    content = root / "content"
    shutil.copytree(COUNCILS / "tsubasa", content)
    pipeline.build(content, site_out=root / "site", report=lambda line: None)
    return root / "site"


def test_the_sitemap_lists_every_public_page_with_its_address(addressed):
    root = ET.parse(addressed / "sitemap.xml").getroot()
    listed = [url.findtext(f"{SITEMAP}loc") for url in root.findall(f"{SITEMAP}url")]
    pages = [p for p in site_pages(addressed) if p != "404.html"]
    assert sorted(listed) == sorted(TSUBASA_URL + p for p in pages) and len(pages) > 10
    assert "lastmod" not in (addressed / "sitemap.xml").read_text(encoding="utf-8")  # no build date: byte-stable
    assert not (addressed / "sitemap.xml.gz").exists()


def test_every_page_has_its_canonical_link(addressed):
    for path in site_pages(addressed):
        if path == "404.html":
            continue
        text = (addressed / path / "index.html").read_text(encoding="utf-8")
        assert re.findall(r'<link rel="canonical" href="([^"]+)">', text) == [TSUBASA_URL + path], path


def test_feed_and_calendar_links_are_absolute(addressed):
    root = ET.parse(addressed / "feed.xml").getroot()
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links == {"alternate": TSUBASA_URL, "self": TSUBASA_URL + "feed.xml"}
    found = entries(addressed)
    assert [e["link"] for e in found] == [TSUBASA_URL + "agendas/toshokan-itaku/", TSUBASA_URL + "meetings/2026-01/#item-2"]
    assert found[0]["title"] == "【一部修正のうえ適当】図書館の予約受付業務の委託について"
    (event,) = events(addressed)
    assert str(event["url"]) == TSUBASA_URL + "meetings/2026-01/" and str(event["summary"]) == "つばさ区個人情報保護審議会 第2回"
    assert event.decoded("dtstart").time() == dt.time(14, 0) and event.decoded("dtend").time() == dt.time(15, 30)
    assert str(event["location"]) == "区役所5階 第1委員会室"


# ---------------------------------------------------------------------------
# A meeting item without its decision (content/README.md allows it; `build.py new meeting` writes it so)


def test_a_meeting_item_without_a_decision_is_shown_in_the_forms_word_for_undecided(tmp_path):
    from fugi.pipeline import load_archive
    from fugi.views.public import public_archive
    from fugi.site.feeds import atom_feed, ical_meetings

    content = tmp_path / "content"
    shutil.copytree(sitebuild.REPO / "content", content)
    meeting = content / "meetings" / "2025-05.md"
    text = meeting.read_text(encoding="utf-8")
    meeting.write_text(text.replace("    決定: 承認", "    # 決定: 承認", 1), encoding="utf-8")
    archive, problems = load_archive(content)
    assert not problems.errors, [str(p) for p in problems]
    public = public_archive(archive)
    undecided = archive.forms.undecided
    assert undecided == "審議中"
    feed = atom_feed(public).decode()
    assert f"【{undecided}】地域広帯域移動無線アクセス" in feed
    calendar = ical_meetings(public).decode()
    assert f"⇒ {undecided}" in calendar.replace("\r\n ", "")
def test_feed_and_calendar_leave_out_the_conditions_of_a_conditional_approval():
    """Issue 25: an Atom entry and a calendar event said 条件付承認 without its conditions."""
    from contents import fixture_copy

    from fugi.pipeline import load_archive
    from fugi.views.public import public_archive
    from fugi.site.feeds import atom_feed, ical_meetings

    archive, problems = load_archive(fixture_copy("record"))
    assert not problems, [str(p) for p in problems]
    public = public_archive(archive)
    root = ET.fromstring(atom_feed(public))
    summaries = {e.findtext(f"{ATOM}title"): e.findtext(f"{ATOM}summary") for e in root.findall(f"{ATOM}entry")}
    assert summaries["【条件付承認】案内状の印刷の委託について"].split("\n")[:2] == [
        "決定: 条件付承認", "条件: 印刷の終了後、データを消去した証明書を提出させること。"]
    (decided,) = [text for title, text in summaries.items() if "案内状" not in title]
    assert decided.split("\n")[:4] == ["決定: 条件付承認", "条件:", "(1) 年に1回、運用状況を報告すること。",
                                       "(2) 相手方のシステムの変更があれば、事前に報告すること。"]
    (seventh,) = [e for e in Calendar.from_ical(ical_meetings(public)).walk("VEVENT") if "第7回" in str(e["summary"])]
    description = str(seventh["description"]).split("\n")
    assert description[1:3] == ["(1) 案内状の印刷の委託について ⇒ 条件付承認", "　条件: 印刷の終了後、データを消去した証明書を提出させること。"]
    assert description[4:7] == ["　条件:", "　(1) 年に1回、運用状況を報告すること。", "　(2) 相手方のシステムの変更があれば、事前に報告すること。"]


def test_the_feed_holds_the_newest_decisions_only(tmp_path):
    """Issue 31: the 1,000-item feed was one 557 KB document; it keeps the FEED_ENTRIES newest decisions (the whole
    history is in the open data)."""
    import sys

    from fugi.pipeline import checked_archive
    from fugi.views.public import public_archive
    from fugi.site.feeds import FEED_ENTRIES, atom_feed, decisions

    sys.path.insert(0, str(sitebuild.REPO / "bench"))
    from bench_site import synthetic_content

    public = public_archive(checked_archive(synthetic_content(tmp_path / "content", 120), report=lambda line: None))
    every = decisions(public)
    assert len(every) > FEED_ENTRIES == 50
    feed = ET.fromstring(atom_feed(public))
    atom = "{http://www.w3.org/2005/Atom}"
    links = [e.find(f"{atom}link").get("href") for e in feed.findall(f"{atom}entry")]
    assert links == [d[0] for d in every[:FEED_ENTRIES]]  # the newest, newest first
    assert feed.find(f"{atom}updated").text.startswith(every[0][2].date.isoformat())


def test_the_404_page_links_from_the_site_urls_path(addressed):
    """With サイト.URL set, the page shown for any missing address links from the URL's path (MkDocs' own way), with
    no <base> and no script to find the archive's root (templates/site/overrides/404.html)."""
    text = (addressed / "404.html").read_text(encoding="utf-8")
    path = urlsplit(TSUBASA_URL).path
    assert "<base" not in text and path != "/"
    links = re.findall(r'<(?:link|script|a)\b[^>]*?\b(?:href|src)="([^"#]+)"', text)
    assert links and all(link.startswith(path) or link.startswith(TSUBASA_URL) for link in links), links
