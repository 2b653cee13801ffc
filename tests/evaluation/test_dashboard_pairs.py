"""The dashboard at scale: one page of pairs (at risk first, filtered by health, searched by name),
a report and CSVs that compute only what they show, each at a fixed cost however many pairs,
meetings, logs, check-ins and answers the program has."""

import csv
import datetime
import io
import re

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from evaluation import selectors
from evaluation.models import Answer, CheckIn, HRNote, Response, Survey
from evaluation.services import survey_prepare
from matching.models import Match
from sessions.models import Meeting, SessionLog
from tests.budgets import assert_flat, measure
from tests.matching.factories import MatchFactory
from tests.programs.factories import ProgramFactory

pytestmark = pytest.mark.django_db

TABLES = ["funnel", "meetings", "pairs", "checkins", "results", "recommendations", "curriculum"]


def dashboard_url(program) -> str:
    return reverse("evaluation:dashboard", args=[program.pk])


def program_with(pairs: int, hr):
    """An active program whose `pairs` pairs each have the same life: meetings held and missed,
    both logs, check-ins (the junior worried and asking HR to call), an HR note, survey answers."""
    now = timezone.now()
    program = ProgramFactory(active=True, start_date=timezone.localdate() - datetime.timedelta(days=70), created_by=hr)
    survey = survey_prepare(program=program)
    questions = list(survey.questions.all())
    for index in range(pairs):
        match = MatchFactory(program=program, confirmed_at=now - datetime.timedelta(days=50), junior__first_name=f"Junior{index}")
        junior, senior = (match.members.get(role=role).user for role in ("junior", "senior"))
        for kind, status, days in (("kickoff", "held", 45), ("one_to_one", "held", 20), ("one_to_one", "missed", 10)):
            meeting = Meeting.objects.create(
                program=program, match=match, kind=kind, title=kind, status=status, duration_minutes=60,
                starts_at=now - datetime.timedelta(days=days),
            )  # fmt: skip
            if status == "held":
                SessionLog.objects.create(meeting=meeting, author=junior, held=True, actual_minutes=60, shared="tools", learned="")
                SessionLog.objects.create(meeting=meeting, author=senior, held=True, actual_minutes=50, shared="", learned="tools")
        for month, pulse in ((1, 4), (2, 2)):
            CheckIn.objects.create(
                program=program, match=match, user=junior, month=month, pulse=pulse, meetings_as_planned=True, flags=["no_time"],
                comment="Please call me", reach_out=True, created_at=now - datetime.timedelta(days=40 - 20 * month),
            )  # fmt: skip
            CheckIn.objects.create(program=program, match=match, user=senior, month=month, pulse=4, meetings_as_planned=True)
        HRNote.objects.create(match=match, author=hr, body="Called both.")
        for user, role in ((junior, "junior"), (senior, "senior")):
            response = Response.objects.create(survey=survey, user=user, role=role)
            for question in questions:
                value = {"scale": 4, "yesno": True, "text": "More", "topics": []}[question.kind]
                if value != []:
                    Answer.objects.create(response=response, question=question, value=value)
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)
    return program


@pytest.fixture
def two_sizes(hr):
    return program_with(4, hr), program_with(8, hr)


def pair_rows(page: str) -> list[str]:
    """The names of the pairs listed on a dashboard page, in order."""
    return re.findall(r'class="border-bottom py-2 pair-row[^"]*">\s*<div[^>]*><strong>([^<]*)', page)


# --- fixed cost at any size ------------------------------------------------------------------------
@pytest.mark.parametrize("query", [{}, {"status": "at_risk", "q": "Junior", "page": "2"}])
def test_the_dashboard_costs_the_same_at_two_sizes_and_lists_one_page(hr_client, two_sizes, monkeypatch, query):
    monkeypatch.setattr(selectors, "PAIRS_PER_PAGE", 2, raising=False)
    few, many = two_sizes
    small = measure(lambda: hr_client.get(dashboard_url(few), query))
    large = measure(lambda: hr_client.get(dashboard_url(many), query))
    # Even the listed pairs, their people and notes: a page holds two pairs at both sizes.
    assert_flat(small, large, ceiling=27)
    for cost in (small, large):
        page = cost.result.content.decode()
        assert len(pair_rows(page)) == 2 and page.count("Called both.") == 2
    assert "Pairs 1–2 of 8" in large.result.content.decode() or "Pairs 3–4 of 8" in large.result.content.decode()


def test_the_report_costs_the_same_at_two_sizes_and_names_no_pair(hr_client, two_sizes):
    few, many = two_sizes
    small = measure(lambda: hr_client.get(dashboard_url(few), {"print": "1"}))
    large = measure(lambda: hr_client.get(dashboard_url(many), {"print": "1"}))
    assert_flat(small, large, ceiling=22)
    assert not {"matching.Match", "matching.MatchMember", "evaluation.HRNote"} & set(large.instances)
    report = large.result.content.decode()
    assert "Junior0" not in report and "Please call me" not in report and "Called both." not in report
    # The pairs' health as counts: all 8 at risk, each for a low pulse, a challenge and a call request.
    assert "<strong>8</strong> at risk" in report
    for label in (
        "low pulse (1 or 2) in this pair",
        "challenge raised in this pair: lack of time",
        "someone in this pair asked HR to reach out",
    ):
        assert re.search(rf">{re.escape(label)}</th><td[^>]*>8</td>", report), label


@pytest.mark.parametrize("table", TABLES)
def test_each_csv_costs_the_same_at_two_sizes_and_loads_no_row_object(hr_client, two_sizes, table):
    few, many = two_sizes
    small = measure(lambda: hr_client.get(dashboard_url(few), {"csv": table}).getvalue())
    large = measure(lambda: hr_client.get(dashboard_url(many), {"csv": table}).getvalue())
    assert_flat(small, large, ceiling=11)
    # Only the request's own rows (session, user, program; the curriculum for its table).
    assert set(large.instances) <= {
        "sessions.Session",
        "mentoring.User",
        "auth.Group",
        "programs.Program",
        "programs.CurriculumItem",
        "programs.Topic",
        "evaluation.Survey",
        "evaluation.Question",
    }
    assert large.instances["mentoring.User"] == small.instances["mentoring.User"] == 1


def test_the_pairs_csv_is_streamed_at_risk_first_and_complete(hr_client, hr):
    program = program_with(3, hr)
    calm = MatchFactory(program=program, confirmed_at=timezone.now(), junior__first_name="Calm")
    response = hr_client.get(dashboard_url(program), {"csv": "pairs"})
    assert isinstance(response, StreamingHttpResponse) and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="program-{program.pk}-pairs.csv"'
    header, *rows = list(csv.reader(io.StringIO(response.getvalue().decode())))
    assert header == ["pair", "at risk", "reasons", "milestones"]
    assert len(rows) == 4 and rows[-1][0].startswith("Calm ") and rows[-1][1:3] == ["no", ""]
    assert rows[0][1] == "yes" and rows[0][3] == "kickoff held"
    assert "Please call me" not in response.getvalue().decode() and calm.pk


# --- the list: at risk first, filters, search, pages ------------------------------------------------
@pytest.fixture
def five_pairs(hr):
    """Pairs named by their state: on track, one reason, three reasons, asking HR to call, paused."""
    now = timezone.now()
    program = ProgramFactory(active=True, start_date=timezone.localdate() - datetime.timedelta(days=20), created_by=hr)

    def pair(name, status="confirmed", **checkin):
        match = MatchFactory(program=program, status=status, confirmed_at=now - datetime.timedelta(days=2), junior__first_name=name)
        if checkin:
            junior = match.members.get(role="junior").user
            CheckIn.objects.create(program=program, match=match, user=junior, month=1, meetings_as_planned=True, **checkin)
        return match

    pair("Steady")
    pair("Lowpulse", pulse=2)
    pair("Struggling", pulse=1, flags=["no_time", "unclear"])
    pair("Calling", pulse=4, reach_out=True, comment="Please call")
    pair("Resting", status="paused", pulse=1)
    return program


def names(page: str) -> list[str]:
    return [row.split()[0] for row in pair_rows(page)]


def test_at_risk_pairs_come_first(hr_client, five_pairs):
    page = hr_client.get(dashboard_url(five_pairs)).content.decode()
    # Who asked HR to call first, then by number of reasons; on track next, paused last.
    assert names(page) == ["Calling", "Struggling", "Lowpulse", "Steady", "Resting"]
    assert "Pairs 1–5 of 5, at risk first." in page


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ({"status": "at_risk"}, ["Calling", "Struggling", "Lowpulse"]),
        ({"status": "reach_out"}, ["Calling"]),
        ({"status": "on_track"}, ["Steady"]),
        ({"status": "paused"}, ["Resting"]),
        ({"q": "lowpul"}, ["Lowpulse"]),
        ({"status": "at_risk", "q": "steady"}, []),
        ({"q": "  "}, ["Calling", "Struggling", "Lowpulse", "Steady", "Resting"]),
    ],
)
def test_filters_and_search_choose_the_pairs(hr_client, five_pairs, query, listed):
    page = hr_client.get(dashboard_url(five_pairs), query).content.decode()
    assert names(page) == listed
    if not listed:
        assert "No pair matches this filter." in page


def test_search_finds_a_pair_by_a_members_email_and_last_name(hr_client, five_pairs):
    senior = Match.objects.get(program=five_pairs, members__user__first_name="Steady").members.get(role="senior").user
    assert names(hr_client.get(dashboard_url(five_pairs), {"q": senior.email.upper()}).content.decode()) == ["Steady"]
    assert names(hr_client.get(dashboard_url(five_pairs), {"q": f"steady {senior.last_name}"}).content.decode()) == ["Steady"]


def test_the_filter_links_show_counts_and_keep_the_search(hr_client, five_pairs):
    page = hr_client.get(dashboard_url(five_pairs), {"q": "a"}).content.decode()
    for value, n in (("at_risk", 3), ("reach_out", 1), ("on_track", 1), ("paused", 1)):
        assert re.search(rf'href="\?status={value}&amp;q=a"[^>]*>[^<]*<span class="badge[^"]*">{n}</span>', page), value


def test_pages_of_the_list(hr_client, five_pairs, monkeypatch):
    monkeypatch.setattr(selectors, "PAIRS_PER_PAGE", 2, raising=False)
    url = dashboard_url(five_pairs)
    assert names(hr_client.get(url).content.decode()) == ["Calling", "Struggling"]
    second = hr_client.get(url, {"page": "2"}).content.decode()
    assert names(second) == ["Lowpulse", "Steady"] and "Pairs 3–4 of 5" in second
    assert 'href="?page=3"' in second and 'href="?page=1"' in second  # the project's pagination
    filtered = hr_client.get(url, {"status": "at_risk", "page": "2"}).content.decode()
    assert names(filtered) == ["Lowpulse"] and 'href="?status=at_risk&amp;page=1"' in filtered


@pytest.mark.parametrize(
    ("query", "listed", "message"),
    [
        ({"page": "abc"}, ["Calling", "Struggling"], None),
        ({"page": "999"}, ["Resting"], None),
        ({"page": "-1"}, ["Resting"], None),
        ({"page": "99999999999999999999999"}, ["Resting"], None),
        ({"status": "nonsense"}, ["Calling", "Struggling"], "Choose a health status from the list."),
        ({"status": "nonsense", "q": "resting"}, ["Resting"], "Choose a health status from the list."),
        ({"q": "x" * 300}, ["Calling", "Struggling"], "Ensure this value has at most 100 characters"),
        ({"q": "%_'\"<script>"}, [], None),
    ],
)
def test_bad_parameters_give_a_normal_page(hr_client, five_pairs, monkeypatch, query, listed, message):
    monkeypatch.setattr(selectors, "PAIRS_PER_PAGE", 2, raising=False)
    response = hr_client.get(dashboard_url(five_pairs), query)
    assert response.status_code == 200
    page = response.content.decode()
    assert names(page) == listed
    if message:
        assert message in page and "Showing every pair instead." in page
    assert "<script>" not in page.split("pairs-heading")[1].split("</form>")[0]  # the search is escaped


# --- who may see it ---------------------------------------------------------------------------------
VARIANTS = [{}, {"print": "1"}, {"csv": "pairs"}, {"csv": "results"}, {"status": "at_risk", "q": "Calling", "page": "2"}]


@pytest.mark.parametrize("query", VARIANTS)
def test_only_hr_sees_the_dashboard_report_and_csvs(client, hr, five_pairs, query):
    url = dashboard_url(five_pairs)
    response = client.get(url, query)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    junior = Match.objects.get(program=five_pairs, members__user__first_name="Calling").members.get(role="junior").user
    client.force_login(junior)
    assert client.get(url, query).status_code == 403  # a participant of this very program
    client.force_login(hr)
    assert client.get(url, query).status_code == 200
    assert client.get(reverse("evaluation:dashboard", args=[five_pairs.pk + 1000]), query).status_code == 404


def test_an_unknown_csv_is_not_found(hr_client, five_pairs):
    assert hr_client.get(dashboard_url(five_pairs), {"csv": "notes"}).status_code == 404


def test_a_pair_action_brings_hr_back_to_the_page_they_were_on(hr_client, five_pairs):
    match = Match.objects.get(program=five_pairs, members__user__first_name="Lowpulse")
    url = reverse("evaluation:pair_action", args=[five_pairs.pk, match.pk])
    back = dashboard_url(five_pairs) + "?status=at_risk&page=2"
    page = hr_client.get(back).content.decode()
    assert 'name="next" value="{}"'.format(back.replace("&", "&amp;")) in page
    response = hr_client.post(url, {"body": "Called.", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    response = hr_client.post(url, {"body": "Called again.", "next": "https://evil.example/"})
    assert response["Location"] == dashboard_url(five_pairs)  # never another site
    assert HRNote.objects.filter(match=match).count() == 2
