"""RFC 5545 calendar data with the `icalendar` package.

Each meeting keeps one UID for life; SEQUENCE rises with every change, so calendar
clients update the event in place. Invitations carry METHOD:REQUEST (new or changed) or
METHOD:CANCEL; the personal feed is a plain published calendar. Times are written in
UTC (the "Z" form), which every client converts to the viewer's own time zone.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from mentoring.site import current_site_url

PRODID = "-//Reverse Mentoring//Meetings//EN"


def _calendar(method: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    return calendar


def has_usable_time(meeting) -> bool:
    """Can this meeting's time be written and shown in any time zone?

    False for a start near the ends of the calendar (year 1 or 9999: rows stored before
    meeting times were bounded): converting it overflows. Such a row is left out of feeds
    and mails instead of breaking them for good.
    """
    if meeting.starts_at is None:
        return False
    margin = datetime.timedelta(days=2)  # the widest UTC offset is 26 hours apart from the other end
    try:
        first, last = meeting.starts_at - margin, meeting.ends_at + margin
    except OverflowError:
        return False
    return first < last


def _event(meeting, attendees: Iterable, *, cancelled: bool = False) -> Event:
    event = Event()
    event.add("uid", f"{meeting.uid}@reverse-mentoring")
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("dtstart", meeting.starts_at.astimezone(datetime.UTC))
    event.add("dtend", meeting.ends_at.astimezone(datetime.UTC))
    event.add("summary", f"{meeting.display_title} · {meeting.program.display_name}")
    lines = meeting.display_agenda
    if meeting.video_link:
        lines.append(meeting.video_link)
    lines.append(current_site_url() + meeting.get_absolute_url())
    event.add("description", "\n".join(lines))
    if meeting.location or meeting.video_link:
        event.add("location", meeting.location or meeting.video_link)
    if meeting.video_link:
        event.add("url", meeting.video_link)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL.split('<')[-1].rstrip('>')}")
    organizer.params["cn"] = vText(settings.SITE_NAME)
    event.add("organizer", organizer)
    for person in attendees:
        attendee = vCalAddress(f"mailto:{person.email}")
        attendee.params["cn"] = vText(person.get_full_name())
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=False)
    return event


def invitation(meeting, attendees: Iterable, *, cancel: bool = False) -> bytes:
    """An iTIP message (METHOD REQUEST or CANCEL) for one meeting."""
    calendar = _calendar("CANCEL" if cancel else "REQUEST")
    calendar.add_component(_event(meeting, list(attendees), cancelled=cancel))
    return calendar.to_ical()


def feed(meetings: Iterable, attendees_of) -> bytes:
    """A subscription calendar of scheduled (and cancelled, so clients drop them) meetings."""
    calendar = _calendar("PUBLISH")
    calendar.add("x-wr-calname", settings.SITE_NAME)
    for meeting in meetings:
        if not has_usable_time(meeting):
            continue
        calendar.add_component(_event(meeting, attendees_of(meeting), cancelled=meeting.status == meeting.Status.CANCELLED))
    return calendar.to_ical()
