"""What HR can learn from the dashboard, its CSV exports and the printed report.

Survey results: a breakdown with fewer than three respondents is hidden, and so is anything
it could be worked out from (complementary suppression). Check-ins: a low pulse or a challenge
flags the pair, never the person or the number, unless they asked HR to reach out.
"""

import csv
import io
import re
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse

from evaluation.selectors import dashboard, pair_health, survey_for, survey_results
from evaluation.services import checkin_submit, survey_close, survey_open
from programs.models import Program
from programs.services import program_transition
from tests.evaluation.helpers import active, answer, evaluating

pytestmark = pytest.mark.django_db

TABLES = ["funnel", "meetings", "pairs", "checkins", "results", "recommendations", "curriculum"]


def close(survey, hr):
    survey_close(survey=survey, by=hr)


class _Tables(HTMLParser):
    """Rows of text cells of every <table> in a page, keyed by the heading id of its section."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.section = None
        self.row = None
        self.cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "h2" and attrs.get("id"):
            self.section = attrs["id"]
        elif tag == "tr":
            self.row = []
        elif tag in {"td", "th"} and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if tag in {"td", "th"} and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.tables.setdefault(self.section, []).append(self.row)
            self.row = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def page_tables(html: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def csv_rows(client, program, table):
    response = client.get(reverse("evaluation:dashboard", args=[program.pk]), {"csv": table})
    return list(csv.reader(io.StringIO(response.getvalue().decode())))


def everything_hr_sees(client, program) -> dict[str, str]:
    """The dashboard, the printed report and every CSV, with per-request tokens blanked."""
    url = reverse("evaluation:dashboard", args=[program.pk])
    seen = {"page": client.get(url), "report": client.get(url, {"print": "1"})}
    seen.update({f"csv:{table}": client.get(url, {"csv": table}) for table in TABLES})
    for name, response in seen.items():
        assert response.status_code == 200, name
    return {
        name: re.sub(r'(csrfmiddlewaretoken" value|nonce)="[^"]*"', r'\1=""', response.getvalue().decode())
        for name, response in seen.items()
    }


def in_a_savepoint(build):
    """Run `build()` and undo whatever it wrote; return what it returned."""
    with transaction.atomic():
        result = build()
        transaction.set_rollback(True)
    return result


# --- A: complementary suppression, the reviewer's example ---------------------------------------
@pytest.fixture
def three_juniors_one_senior(hr):
    """Three juniors answer satisfaction 4/5/3 and "relationship formed: yes"; one senior says 1 and no."""
    program, people = evaluating(hr, 3)
    survey = survey_for(program=program)
    survey_open(survey=survey, by=hr)
    for (junior, _senior), satisfaction in zip(people, (4, 5, 3), strict=True):
        answer(survey, junior, satisfaction, True)
    answer(survey, people[0][1], 1, False)
    close(survey, hr)
    return program, survey


def test_the_lone_senior_cannot_be_worked_out_by_subtraction_in_the_selector(three_juniors_one_senior):
    _program, survey = three_juniors_one_senior
    everyone = {a.question.key: a for a in survey_results(survey=survey)}
    juniors = {a.question.key: a for a in survey_results(survey=survey, role="junior")}
    seniors = {a.question.key: a for a in survey_results(survey=survey, role="senior")}
    assert everyone["satisfaction"].average == 3.25 and everyone["relationship"].yes_share == 75
    assert seniors["satisfaction"].hidden  # one respondent
    # …so the juniors' figures are hidden too: 4 × 3.25 − 3 × 4.0 would give the senior's 1 away.
    assert juniors["satisfaction"].hidden and juniors["satisfaction"].average is None and juniors["satisfaction"].counts == []
    assert juniors["relationship"].hidden and juniors["relationship"].yes_share is None


def test_the_page_the_csv_and_the_printed_report_show_only_the_total(hr_client, three_juniors_one_senior):
    program, _survey = three_juniors_one_senior
    expected = [
        ["Satisfaction (1–5)", "3.25", "hidden", "hidden"],
        ["Relationship formed (%)", "75", "hidden", "hidden"],
        ["Want to continue (%)", "100", "hidden", "hidden"],
    ]
    url = reverse("evaluation:dashboard", args=[program.pk])
    for response in (hr_client.get(url), hr_client.get(url, {"print": "1"})):
        assert page_tables(response.content.decode())["results-heading"][1:] == expected
    assert csv_rows(hr_client, program, "results")[1:] == [[label.lower(), total, "", ""] for label, total, _j, _s in expected]


def test_swapping_the_seniors_answer_with_a_juniors_changes_nothing_hr_sees(hr_client, hr):
    """Two answer sets with the same totals but a different senior answer look identical."""
    program, people = evaluating(hr, 3)
    survey = survey_for(program=program)
    survey_open(survey=survey, by=hr)

    def answered(junior_answers, senior_answer):
        def build():
            for (junior, _senior), (satisfaction, relationship) in zip(people, junior_answers, strict=True):
                answer(survey, junior, satisfaction, relationship)
            answer(survey, people[0][1], *senior_answer)
            close(survey, hr)
            return everything_hr_sees(hr_client, program)

        return in_a_savepoint(build)

    senior_says_1_and_no = answered([(4, True), (5, True), (3, True)], (1, False))
    senior_says_3_and_yes = answered([(4, True), (5, True), (1, False)], (3, True))
    assert senior_says_1_and_no == senior_says_3_and_yes


def test_results_wait_for_the_survey_to_close_so_no_answer_can_be_read_off_a_change(hr_client, hr):
    """Figures that moved with each answer would give each new answer away (n × new − (n−1) × old)."""
    program, people = evaluating(hr, 4)
    survey = survey_for(program=program)
    survey_open(survey=survey, by=hr)
    for (junior, _senior), satisfaction in zip(people, (4, 5, 3, 2), strict=True):
        answer(survey, junior, satisfaction, True)
    url = reverse("evaluation:dashboard", args=[program.pk])
    page = hr_client.get(url).content.decode()
    assert "Results appear once the survey is closed" in page and "3.5" not in page
    assert csv_rows(hr_client, program, "results")[1] == ["satisfaction (1–5)", "", "", ""]

    participant = Client()
    participant.force_login(people[0][0])
    refused = participant.post(reverse("evaluation:survey_manage", args=[program.pk]), {"action": "close"})
    assert refused.status_code == 403  # participants cannot close it
    response = hr_client.post(reverse("evaluation:survey_manage", args=[program.pk]), {"action": "close"}, follow=True)
    assert "Survey closed. The results are on the dashboard." in response.content.decode()
    again = hr_client.post(reverse("evaluation:survey_manage", args=[program.pk]), {"action": "close"}, follow=True)
    assert "Only an open survey can be closed." in again.content.decode()  # a double click changes nothing
    assert csv_rows(hr_client, program, "results")[1] == ["satisfaction (1–5)", "3.5", "3.5", ""]
    with pytest.raises(ValidationError, match="not open"):
        answer(survey, people[0][1], 1, False)  # final: no late answer moves the figures


def test_closing_the_program_closes_the_survey(hr):
    from evaluation.models import Survey

    program, people = evaluating(hr, 3)
    survey = survey_for(program=program)
    survey_open(survey=survey, by=hr)
    for junior, _senior in people:
        answer(survey, junior, 4, True)
    program_transition(program=program, to_status=Program.Status.CLOSED, by=hr)
    assert Survey.objects.get(pk=survey.pk).status == Survey.Status.CLOSED
    assert dashboard(program=program).results_all["satisfaction"].average == 4.0


# --- B: a low pulse flags the pair, not the person -----------------------------------------------
def test_a_low_pulse_or_a_challenge_from_either_member_looks_the_same_to_hr(hr_client, hr):
    program, ((junior, senior),) = active(hr)

    def checked_in(low, other):
        def build():
            checkin_submit(program=program, user=low, pulse=2, meetings_as_planned=False, flags=["no_time"], comment="private words")
            checkin_submit(program=program, user=other, pulse=4, meetings_as_planned=True)
            return everything_hr_sees(hr_client, program)

        return in_a_savepoint(build)

    assert checked_in(junior, senior) == checked_in(senior, junior)
    seen = checked_in(junior, senior)
    assert "private words" not in str(seen) and "2/5" not in str(seen)


def test_pair_reasons_name_no_one_and_give_no_score(hr):
    program, ((junior, senior),) = active(hr)
    checkin_submit(program=program, user=junior, pulse=1, meetings_as_planned=False, flags=["no_time", "unclear"])
    checkin_submit(program=program, user=senior, pulse=2, meetings_as_planned=False, flags=["no_time"])
    (health,) = pair_health(program=program)
    assert [reason.label for reason in health.reasons] == [
        "low pulse (1 or 2) in this pair",
        "challenge raised in this pair: lack of time",
        "challenge raised in this pair: unclear expectations",
    ]
    assert health.reach_outs == []


def test_a_hidden_month_cannot_be_read_off_the_pair_list(hr_client, hr):
    """Month 1 has two check-ins, so its average is hidden; nothing else may reveal their scores."""
    program, ((junior, senior),) = active(hr)

    def month_with(pulses):
        def build():
            program.refresh_from_db()
            for user, pulse in zip((junior, senior), pulses, strict=True):
                checkin_submit(program=program, user=user, pulse=pulse, meetings_as_planned=True)
            program_transition(program=program, to_status=Program.Status.EVALUATING, by=hr, force=True, reason="Test")
            assert dashboard(program=program).checkin_trend[0][1] is None
            return everything_hr_sees(hr_client, program)

        return in_a_savepoint(build)

    assert month_with((1, 2)) == month_with((2, 2)) == month_with((2, 1))


def test_reach_out_names_the_person_on_the_dashboard_only(hr_client, hr):
    program, ((junior, senior),) = active(hr)
    checkin_submit(
        program=program, user=junior, pulse=2, meetings_as_planned=False, flags=["no_time"], comment="Please call me", reach_out=True
    )
    (health,) = pair_health(program=program)
    name = junior.get_full_name()
    assert [reason.label for reason in health.reasons] == [
        "low pulse (1 or 2) in this pair",
        "challenge raised in this pair: lack of time",
        "someone in this pair asked HR to reach out",
    ]
    assert health.reach_outs == [(name, "Please call me")]
    seen = everything_hr_sees(hr_client, program)
    assert f"{name} asked HR to reach out" in seen["page"] and "Please call me" in seen["page"]
    for where in ("report", "csv:pairs"):
        assert f"{name} asked" not in seen[where] and "Please call me" not in seen[where]
        assert "someone in this pair asked HR to reach out" in seen[where]


def test_the_checkin_form_says_what_hr_sees_of_each_answer(client, hr):
    program, ((junior, _senior),) = active(hr)
    client.force_login(junior)
    page = client.get(reverse("evaluation:checkin", args=[program.pk])).content.decode()
    for statement in (
        "HR sees the month's average only once the month is over and at least 3 people checked in",
        "If you answer 1 or 2, HR sees “low pulse (1 or 2) in this pair” — not your name, not the number",
        "HR does not see this answer",
        "HR sees each ticked challenge as “raised in this pair”, without your name",
        "Your comment stays private — unless you ask HR to reach out",
        "HR then sees your name and your comment, so they can contact you",
    ):
        assert statement in page, statement


# --- A: no hidden cell is a linear combination of what is shown (property-based) ----------------
TEXTS = ["More time", "Fixed slots", "Nothing"]
FORMATS = ["1:1", "group", "mixed"]


@pytest.fixture
def eight_pairs_survey(hr):
    """Eight pairs in evaluation; the survey has the built-in questions, a choice and an optional scale."""
    from evaluation.services import question_add
    from programs.models import Topic

    program, people = evaluating(hr, 8)
    survey = survey_for(program=program)
    question_add(survey=survey, kind="choice", text="Which format suited you?", choices=FORMATS)
    question_add(survey=survey, kind="scale", text="How useful was the kickoff guide?", required=False)
    survey_open(survey=survey, by=hr)
    topics = list(Topic.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)[:4])
    return program, people, survey, topics


def _domain(question, topics):
    return {
        "scale": [1, 2, 3, 4, 5],
        "yesno": [True, False],
        "choice": list(question.choices),
        "text": TEXTS,
        "topics": [*topics, "answered"],  # several tags per person; "answered" = gave at least one
    }[question.kind]


def _posted(question, picked):
    """One person's raw answer to `question`, as the survey form posts it."""
    if question.kind == "yesno":
        return "yes" if picked else "no"
    if question.kind == "topics":
        return [str(t) for t in picked]
    return None if picked is None else str(picked)


def _row_space(rows, width):
    import numpy as np

    if not rows:
        return np.zeros((0, width))
    _u, singular, vt = np.linalg.svd(np.array(rows, dtype=float), full_matrices=False)
    return vt[: int((singular > 1e-9 * max(1.0, singular.max(initial=0))).sum())]


def _derivable(target, basis) -> bool:
    import numpy as np

    target = np.array(target, dtype=float)
    residual = target - basis.T @ (basis @ target)
    return bool(np.linalg.norm(residual) < 1e-7 * max(1.0, np.linalg.norm(target)))


def _people_strategy():
    from hypothesis import strategies as st

    one = st.fixed_dictionaries(
        {
            "satisfaction": st.integers(1, 5),
            "skills": st.sampled_from(TEXTS),
            "skills_topics": st.lists(st.integers(0, 3), unique=True, max_size=3),
            "relationship": st.booleans(),
            "continue": st.booleans(),
            "worked": st.sampled_from(TEXTS),
            "change": st.sampled_from(TEXTS),
            "format": st.sampled_from(FORMATS),
            "kickoff": st.one_of(st.none(), st.integers(1, 5)),
        }
    )
    return st.tuples(st.lists(one, max_size=8), st.lists(one, max_size=8))


def test_no_hidden_breakdown_is_a_linear_combination_of_the_shown_figures(hr, eight_pairs_survey):
    """For random cohorts (0–8 juniors, 0–8 seniors), HR's figures — with every respondent count
    and even who answered which question taken as known — never determine a hidden cell."""
    from hypothesis import HealthCheck, given, settings

    from evaluation.services import response_submit

    program, people, survey, topics = eight_pairs_survey
    questions = list(survey.questions.all())
    extra = {"Which format suited you?": "format", "How useful was the kickoff guide?": "kickoff"}

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(cohort=_people_strategy())
    def check(cohort):
        juniors, seniors = cohort
        respondents = [(people[k][0], "junior", a) for k, a in enumerate(juniors)] + [
            (people[k][1], "senior", a) for k, a in enumerate(seniors)
        ]

        def picked(question, answers):
            key = question.key or extra[question.text]
            value = answers[key]
            return [topics[t] for t in value] if question.kind == "topics" else value

        def build():
            for user, _role, answers in respondents:
                response_submit(survey=survey, user=user, answers={q.pk: _posted(q, picked(q, answers)) for q in questions})
            close(survey, hr)
            return {group: {a.question.pk: a for a in survey_results(survey=survey, role=group)} for group in (None, "junior", "senior")}

        results = in_a_savepoint(build)

        def members(group):
            return [i for i, (_u, role, _a) in enumerate(respondents) if group in (None, role)]

        def answered(index, question):
            return picked(question, respondents[index][2]) not in (None, [])

        rule = []
        # Answers to different questions share no unknowns, so each question is its own system.
        for question in questions:
            domain = _domain(question, topics)
            # One unknown per person × possible value (1 when they chose it).
            columns = {(index, value): k for k, (index, value) in enumerate((i, v) for i in range(len(respondents)) for v in domain)}

            def row(cells, columns=columns):
                vector = [0.0] * len(columns)
                for cell, weight in cells:
                    vector[columns[cell]] += weight
                return vector

            # Generous to the attacker: who answered the question is taken as known.
            known = [row([((i, v), 1) for v in (["answered"] if question.kind == "topics" else domain)]) for i in range(len(respondents))]
            shown, hidden = [], []
            for group in (None, "junior", "senior"):
                aggregate = results[group][question.pk]
                people_in = [i for i in members(group) if answered(i, question)]
                assert aggregate.respondents == len(people_in)
                counts = [row([((i, v), 1) for i in people_in]) for v in domain if v != "answered"]
                if question.kind == "scale":
                    counts.append(row([((i, v), v) for i in people_in for v in domain]))  # the average × n
                (hidden if aggregate.hidden else shown).extend((group, c) for c in counts)

                # Useful as well as safe: hide only what the rule requires.
                n = {role: sum(1 for i in members(role) if answered(i, question)) for role in ("junior", "senior")}
                required = len(people_in) < 3 or (group is not None and any(0 < count < 3 for count in n.values()))
                rule.append((group, question.text, aggregate.hidden, required))

            basis = _row_space(known + [c for _g, c in shown], len(columns))
            for group, target in hidden:
                if any(target):
                    assert not _derivable(target, basis), f"{group or 'everyone'} · {question.text} can be worked out from what HR sees"
        assert [r for r in rule if r[2] != r[3]] == []

    check()
