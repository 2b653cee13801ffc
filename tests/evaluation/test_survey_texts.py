"""Issue 14, item 3: HR reads the answers to its own questions and the written answers, on the
dashboard, a page of answers, the printed report and the CSV; anonymised, never attributable."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from evaluation import selectors
from evaluation.models import Answer, Question, Response, Survey
from evaluation.services import question_add, survey_prepare
from tests.budgets import assert_flat, measure
from tests.matching.factories import MatchFactory
from tests.programs.factories import ProgramFactory

pytestmark = pytest.mark.django_db

WORKED = ["fixed slots on thursdays", "Being listened to", "A shared agenda", "Coffee walks", "Demos of real tools", "Zero slides"]


def closed_program(hr, *, pairs=3, worked=None, status=Survey.Status.CLOSED):
    """`pairs` pairs who all answered; juniors and seniors wrote `worked[i]` for "What worked well?"."""
    program = ProgramFactory(active=True, start_date=timezone.localdate(), created_by=hr)
    survey = survey_prepare(program=program)
    question_add(survey=survey, kind="choice", text="Best meeting format?", choices=["In person", "Video call"])
    question_add(survey=survey, kind="scale", text="How useful were the monthly topics?")
    question_add(survey=survey, kind="yesno", text="Would you recommend it to a colleague?")
    question_add(survey=survey, kind="text", text="What was learned?", required=False)
    questions = {q.text: q for q in survey.questions.all()}
    worked = WORKED if worked is None else worked
    people = []
    for index in range(pairs):
        match = MatchFactory(program=program, junior__first_name=f"Junior{index}", senior__first_name=f"Senior{index}")
        people += [(match.members.get(role=role).user, role) for role in ("junior", "senior")]
    for index, (user, role) in enumerate(people):
        response = Response.objects.create(survey=survey, user=user, role=role)
        answers = {
            "Overall, how satisfied are you with the program? (1–5)": 4,
            "Best meeting format?": "In person" if index % 3 else "Video call",
            "How useful were the monthly topics?": 3 + index % 2,
            "Would you recommend it to a colleague?": index % 4 != 0,
            "What worked well?": worked[index] if index < len(worked) else "",
        }
        for text, value in answers.items():
            Answer.objects.create(response=response, question=questions[text], value=value)
    Survey.objects.filter(pk=survey.pk).update(status=status)
    return program, survey, questions


def dashboard(client, program, **query):
    return client.get(reverse("evaluation:dashboard", args=[program.pk]), query)


def test_the_dashboard_shows_hrs_own_questions_and_the_written_answers_alphabetically(hr_client, hr):
    program, _survey, questions = closed_program(hr)
    page = dashboard(hr_client, program).content.decode()
    # HR's own questions, per side (3 juniors, 3 seniors: both sides shown).
    assert "Best meeting format?: In person" in page and "Best meeting format?: Video call" in page
    assert "How useful were the monthly topics? (1–5)" in page and "Would you recommend it to a colleague? (% yes)" in page
    # The written answers: the first three alphabetically, whatever the order they came in.
    assert "In their own words" in page and "What worked well?" in page
    first = [page.index(text) for text in ("A shared agenda", "Being listened to", "Coffee walks")]
    assert first == sorted(first) and "Zero slides" not in page and "fixed slots" not in page
    answers_url = reverse("evaluation:survey_answers", args=[program.pk, questions["What worked well?"].pk])
    assert f'href="{answers_url}"' in page and "Read all 6 answers" in page
    # Never attributable: no names in the results card (the pair list further down names pairs).
    card = page[page.index('id="results-heading"') : page.index('id="recs-heading"')]
    assert "A shared agenda" in card and "Junior0" not in card and "Senior0" not in card


def test_the_csv_holds_hrs_own_questions_as_figures(hr_client, hr):
    program, _survey, _questions = closed_program(hr)
    rows = list(csv.reader(io.StringIO(b"".join(dashboard(hr_client, program, csv="results").streaming_content).decode())))
    by_label = {row[0]: row[1:] for row in rows}
    assert by_label["Best meeting format?: Video call"] == ["2", "1", "1"]  # people 0 and 3: a junior and a senior
    assert by_label["Best meeting format?: In person"] == ["4", "2", "2"]
    assert by_label["How useful were the monthly topics? (1–5)"] == ["3.5", "3.0", "4.0"]
    assert not any("agenda" in cell for row in rows for cell in row)  # figures only


def test_the_report_prints_the_written_answers_and_hrs_questions(hr_client, hr):
    program, _survey, _questions = closed_program(hr)
    report = dashboard(hr_client, program, print="1").content.decode()
    assert "Best meeting format?: In person" in report
    for text in WORKED:
        assert text in report
    assert "survey/answers/" not in report and "Junior0" not in report


def test_answers_are_hidden_below_three_and_while_the_survey_is_open(hr_client, hr):
    program, _survey, questions = closed_program(hr, worked=["Only one", "And two"])
    page = dashboard(hr_client, program).content.decode()
    assert "Only one" not in page and "Hidden (2 answers, under 3)." in page
    answers = hr_client.get(reverse("evaluation:survey_answers", args=[program.pk, questions["What worked well?"].pk]))
    assert answers.status_code == 200 and "Only one" not in answers.content.decode()
    assert "Hidden: 2 people answered" in answers.content.decode()
    # "What was learned?" nobody answered: hidden too, not an error.
    assert page.count("No written answers.") == 3

    program, _survey, questions = closed_program(hr, status=Survey.Status.OPEN)
    assert "A shared agenda" not in dashboard(hr_client, program).content.decode()
    answers = hr_client.get(reverse("evaluation:survey_answers", args=[program.pk, questions["What worked well?"].pk]))
    assert "A shared agenda" not in answers.content.decode() and "once the survey is closed" in answers.content.decode()


def test_the_answers_page_splits_by_side_only_when_each_side_has_three(hr_client, hr):
    program, _survey, questions = closed_program(hr)
    url = reverse("evaluation:survey_answers", args=[program.pk, questions["What worked well?"].pk])
    page = hr_client.get(url).content.decode()
    juniors, seniors = page.index("From junior mentors"), page.index("From senior mentees")
    # Juniors wrote answers 0, 2, 4; seniors 1, 3, 5: each side alphabetically.
    junior_texts = [page.index(text) for text in ("A shared agenda", "Demos of real tools", "fixed slots on thursdays")]
    senior_texts = [page.index(text) for text in ("Being listened to", "Coffee walks", "Zero slides")]
    assert juniors < junior_texts[0] < junior_texts[1] < junior_texts[2] < seniors < senior_texts[0] < senior_texts[1] < senior_texts[2]
    assert "Junior0" not in page and "Senior0" not in page

    # Five answers: the seniors' side has two, so no side is named.
    program, _survey, questions = closed_program(hr, worked=WORKED[:5])
    page = hr_client.get(reverse("evaluation:survey_answers", args=[program.pk, questions["What worked well?"].pk])).content.decode()
    assert "From junior mentors" not in page and "From senior mentees" not in page and "Not split by side" in page
    shown = [page.index(text) for text in sorted(WORKED[:5], key=str.casefold)]
    assert shown == sorted(shown)


def test_the_answers_page_has_pages(hr_client, hr, monkeypatch):
    from evaluation import views

    monkeypatch.setattr(views, "ANSWERS_PER_PAGE", 2)
    program, _survey, questions = closed_program(hr)
    url = reverse("evaluation:survey_answers", args=[program.pk, questions["What worked well?"].pk])
    first, last = hr_client.get(url).content.decode(), hr_client.get(url, {"page": "3"}).content.decode()
    assert "Page 1 of 3" in first and "Page 3 of 3" in last
    assert hr_client.get(url, {"page": "nonsense"}).status_code == 200


def test_only_hr_reads_the_answers_page(hr, junior, hr_client):
    program, _survey, questions = closed_program(hr)
    url = reverse("evaluation:survey_answers", args=[program.pk, questions["What worked well?"].pk])
    assert hr_client.get(url).status_code == 200
    assert Client().get(url).status_code == 302  # to the sign-in page
    for user in (program.matches.first().members.get(role="junior").user, junior):
        other = Client()
        other.force_login(user)
        assert other.get(url).status_code == 403
    # Another program's question, a question that is not free text, a program without survey: 404.
    other, _s, other_questions = closed_program(hr)
    for pk, question in (
        (program.pk, other_questions["What worked well?"]),
        (program.pk, questions["Best meeting format?"]),
        (ProgramFactory(created_by=hr).pk, questions["What worked well?"]),
    ):
        assert hr_client.get(reverse("evaluation:survey_answers", args=[pk, question.pk])).status_code == 404


def test_the_answers_page_costs_the_same_at_two_sizes(hr_client, hr):
    few, _s, few_questions = closed_program(hr, pairs=3)
    many, _s, many_questions = closed_program(hr, pairs=8, worked=[f"Answer {n}" for n in range(16)])
    small = measure(lambda: hr_client.get(reverse("evaluation:survey_answers", args=[few.pk, few_questions["What worked well?"].pk])))
    large = measure(lambda: hr_client.get(reverse("evaluation:survey_answers", args=[many.pk, many_questions["What worked well?"].pk])))
    assert_flat(small, large, ceiling=14)


def test_the_written_answers_selector_matches_survey_breakdown(hr):
    _program, survey, _questions = closed_program(hr)
    texts = {t.question.pk: t for t in selectors.survey_texts(survey=survey, sample=100)}
    for aggregate in selectors.survey_breakdown(survey=survey)[None]:
        if aggregate.question.kind == Question.Kind.TEXT and not aggregate.hidden:
            written = sorted((t for t in aggregate.texts if t), key=lambda t: (t.casefold(), t))
            assert texts[aggregate.question.pk].sample == written


def test_the_dashboard_shows_a_few_written_answers_at_the_same_cost_however_many(hr_client, hr):
    few, _s, _q = closed_program(hr, pairs=3)
    many, _s, _q = closed_program(hr, pairs=12, worked=[f"Answer number {n:02}" for n in range(24)])
    small = measure(lambda: dashboard(hr_client, few))
    large = measure(lambda: dashboard(hr_client, many))
    assert small.count == large.count
    assert "evaluation.Answer" not in large.instances and "evaluation.Response" not in large.instances
    page = large.result.content.decode()
    assert [n for n in range(24) if f"Answer number {n:02}" in page] == [0, 1, 2] and "Read all 24 answers" in page
