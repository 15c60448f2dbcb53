"""The archive's feeds: an Atom feed of decisions (feed.xml, feedgen) and an iCalendar file of meetings (meetings.ics).

Both are made from the public view of the archive only (fugi.views.public), like every public artefact.

- Ids never depend on where the site is served: an entry's id is a `urn:uuid:` (UUID 5) of the ward's and
  the council's names and the page's path, so adding サイト.URL later or moving the site does not make every
  entry look new to a feed reader.
- Links are absolute when content/forms.yml gives サイト.URL; without it they are relative to the site's root,
  where both files are served (Atom resolves them against the feed's own address).
- The feed is bounded: the FEED_ENTRIES newest decisions (a 1,000-item archive made one 557 KB document that every
  reader downloaded on each poll); the full history is in the open data (data/decisions.json, .csv).
- Dates come from the content (a decision's date is its meeting's), never from the clock: the same content
  gives the same bytes.
"""
from __future__ import annotations

import datetime as dt
import re
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

from fugi import model as m
from fugi.views import printed as v

FEED = "feed.xml"
CALENDAR = "meetings.ics"
TIMEZONE = "Asia/Tokyo"
TOKYO = ZoneInfo(TIMEZONE)
JST = dt.timezone(dt.timedelta(hours=9))  # Japan has kept UTC+9 without summer time since 1952
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "fugi.invalid")  # fugi's own namespace for the names' UUIDs
FEED_ENTRIES = 50  # the newest decisions in feed.xml; every decision is in the open data
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)  # an empty feed's date (Atom requires one)
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def stable_id(forms, path: str) -> str:
    """urn:uuid of the ward, the council and a page path ("agendas/x/", "meetings/y/#item-3")."""
    name = "/".join((forms.council["自治体"] or "", forms.council["名称"], path))
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, name)}"


def link(site_url: str, path: str) -> str:
    return site_url.rstrip("/") + "/" + path if site_url else (path or "./")


def clean(text) -> str:
    """Text as XML may carry it (no control characters), on the lines it was written."""
    return _NOT_XML.sub("", str(text or ""))


def meeting_start(meeting: m.Meeting, *, zone=JST) -> dt.datetime:
    """The meeting's date with its starting time (midnight when the time is not known), in Japan's time."""
    hour, minute = (int(part) for part in (meeting.start or "00:00").split(":"))
    return dt.datetime.combine(meeting.date, dt.time(hour, minute), tzinfo=zone)


def meeting_name(meeting: m.Meeting) -> str:
    """The meeting itself (not its summary document): 〇〇区〇〇会議 第5回 (or its date when it has no number)."""
    return f"{meeting.council} {v.meeting_name(meeting)}"


def write_feeds(public: m.Archive, docs: Path, site_url: str = "", site_name: str = "") -> list:
    """feed.xml and meetings.ics into the generated docs folder (MkDocs copies them to the site's root)."""
    feed, calendar = Path(docs) / FEED, Path(docs) / CALENDAR
    feed.write_bytes(atom_feed(public, site_url, site_name))
    calendar.write_bytes(ical_meetings(public, site_url, site_name))
    return [feed, calendar]


# ---------------------------------------------------------------------------
# Atom: one entry per decision of a dated public meeting


def decisions(public: m.Archive) -> list:
    """(path, title, meeting, item number, decision, agenda or None) of every decision that has a date:
    each published item deliberated at a dated public meeting, and each item of such a meeting known by its
    title alone (its agenda file is missing or unpublished), and each report a dated public meeting received on
    an earlier meeting's conditions (announced like a decision, under the forms' 報告の表示).  Newest first."""
    from fugi.views.followup import report_shown

    found, undecided = [], public.forms.undecided
    for agenda in public.agendas:
        meeting = agenda.meeting
        if meeting is not None and meeting.date is not None:
            item = next((d for d in meeting.items if d.agenda_id == agenda.id), None)
            found.append((f"agendas/{agenda.id}/", agenda.title, meeting, item.number if item else 0,
                          agenda.decision or undecided, agenda))
    for meeting in public.meetings:
        if meeting.date is None:
            continue
        for item in meeting.items:
            if item.agenda is None or item.reports:
                found.append((f"meetings/{meeting.id}/#item-{item.number}", item.title, meeting, item.number,
                              report_shown(item, public.forms) if item.reports else item.decision or undecided,
                              item.agenda))
    return sorted(found, key=lambda d: (-d[2].date.toordinal(), d[2].id, d[3], d[0]))


def item_prefix(printed: tuple, item, forms) -> str:
    """(3) , or by kind 報告事項イ  (the item's printed reference before its title)."""
    return f"{printed[1]} " if forms.kinds() else f"{printed[0]} "


def deliberation(meeting: m.Meeting, number: int):
    """The item of a meeting with this number (its decision's conditions), or None."""
    return next((item for item in meeting.items if item.number == number), None)


def condition_lines(labels, item) -> list:
    """The conditions of a decision as the pages print them (one as written, several numbered), under the forms'
    label; where the public view left them out, its note."""
    if item is None:
        return []
    label = labels.conditions
    if item.conditions:
        printed = v.condition_lines(item.conditions)
        return [f"{label}: {printed[0]}"] if len(printed) == 1 else [f"{label}:", *printed]
    return [f"{label}: {item.notice}"] if item.notice else []


def entry_summary(forms, labels, meeting: m.Meeting, decision: str, agenda, item=None, meetings=()) -> str:
    """What a resident reads in a feed reader: the decision and its conditions, the meeting, and the item's paper
    and 区分."""
    name = meeting.council if meeting.number is None else meeting_name(meeting)  # a date-named one: its date once
    lines = [f"{labels.decision}: {decision}", *condition_lines(labels, item),
             f"会議: {name}（{v.meeting_when(meeting)}）"]
    if item is not None and item.reports and labels.report:  # a report: on the conditions of which meeting
        earlier = next((mt for mt in meetings if mt.id == item.reports), None)
        lines.insert(1, f"{labels.report}: {v.meeting_label(earlier) if earlier else item.reports}")
    if meeting.place and labels.meeting_place:
        lines.append(f"{labels.meeting_place}: {meeting.place}")
    if agenda is not None:
        lines.append(f"{labels.number}: {v.paper_number(agenda, forms)[1]}")
        if agenda.sheet_categories:
            lines.append(f"区分: {'・'.join(agenda.sheet_categories)}")
        if agenda.departments:
            lines.append(f"{labels.departments}: {v.departments_names(agenda)}")
    return "\n".join(clean(line) for line in lines)


def atom_feed(public: m.Archive, site_url: str = "", site_name: str = "") -> bytes:
    from feedgen.feed import FeedGenerator

    forms = public.forms
    labels = v.labels(forms)
    name = site_name or forms.site["名称"]
    found = decisions(public)
    generator = FeedGenerator()
    generator.id(stable_id(forms, FEED))
    generator.title(clean(f"{name}（{labels.decision}）"))
    generator.subtitle(clean(f"{forms.council['名称']}が{labels.decided}{labels.agenda}と{labels.items}"
                             f"（会議の日付が新しい順に{FEED_ENTRIES}件まで。すべては data/decisions.json・.csv）"))
    generator.author({"name": clean(forms.council["名称"])})
    generator.link(href=link(site_url, ""), rel="alternate", type="text/html")
    if site_url:
        generator.link(href=link(site_url, FEED), rel="self", type="application/atom+xml")
    generator.language("ja")
    generator.generator("fugi")
    generator.updated(max((meeting_start(d[2]) for d in found), default=EPOCH))
    for path, title, meeting, number, decision, agenda in reversed(found[:FEED_ENTRIES]):  # feedgen prepends each entry added
        entry = generator.add_entry()
        entry.id(stable_id(forms, path))
        entry.title(clean(f"【{decision}】{title}"))
        entry.link(href=link(site_url, path), rel="alternate", type="text/html")
        entry.updated(meeting_start(meeting))
        entry.summary(entry_summary(forms, labels, meeting, decision, agenda, deliberation(meeting, number),
                                    public.meetings))
    return generator.atom_str(pretty=True, encoding="UTF-8")


# ---------------------------------------------------------------------------
# iCalendar: one event per dated public meeting


def ical_meetings(public: m.Archive, site_url: str = "", site_name: str = "") -> bytes:
    from icalendar import Calendar, Event, Timezone, TimezoneStandard

    forms = public.forms
    labels = v.labels(forms)
    calendar = Calendar()
    calendar.add("prodid", f"-//fugi//{clean(site_name or forms.site['名称'])}//JA")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", clean(f"{forms.council['名称']}の会議"))
    calendar.add("x-wr-timezone", TIMEZONE)
    zone = Timezone()
    zone.add("tzid", TIMEZONE)
    standard = TimezoneStandard()
    standard.add("dtstart", dt.datetime(1970, 1, 1))
    standard.add("tzoffsetfrom", dt.timedelta(hours=9))
    standard.add("tzoffsetto", dt.timedelta(hours=9))
    standard.add("tzname", "JST")
    zone.add_component(standard)
    calendar.add_component(zone)
    for meeting in sorted((mt for mt in public.meetings if mt.date is not None), key=m.meeting_chronology):
        event = Event()
        path = f"meetings/{meeting.id}/"
        event.add("uid", stable_id(forms, path).removeprefix("urn:uuid:"))
        # DTSTAMP (required) from the content, not the clock: the meeting's start, in UTC
        event.add("dtstamp", meeting_start(meeting).astimezone(dt.timezone.utc))
        if meeting.start:
            event.add("dtstart", meeting_start(meeting, zone=TOKYO))
            if meeting.end:
                hour, minute = (int(part) for part in meeting.end.split(":"))
                event.add("dtend", dt.datetime.combine(meeting.date, dt.time(hour, minute), tzinfo=TOKYO))
        else:  # the time is not known: an all-day event
            event.add("dtstart", meeting.date)
            event.add("dtend", meeting.date + dt.timedelta(days=1))
        event.add("summary", clean(meeting_name(meeting)))
        if meeting.place:
            event.add("location", clean(meeting.place))
        printed = v.item_labels(meeting, forms)
        items = [line for item in meeting.items for line in (
            f"{item_prefix(printed[item.number], item, forms)}{item.title or (item.agenda.title if item.agenda else '')}"
            f" ⇒ {item.decision or forms.undecided}",
            *("　" + condition for condition in condition_lines(labels, item)))]
        lines = [f"{labels.items}:", *items] if items else []
        if site_url:
            event.add("url", link(site_url, path))
            lines.append(link(site_url, path))
        if lines:
            event.add("description", clean("\n".join(lines)))
        calendar.add_component(event)
    return calendar.to_ical()
