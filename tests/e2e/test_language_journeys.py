"""Browser journeys in German, French and Spanish: a junior mentor whose profile language is one of
them signs in, applies to an open program, accepts the match HR offers and fills the monthly
check-in — and no page on the way shows an English UI string (tests/e2e/i18n.py), only what
people wrote, in that language."""

import datetime
import re

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from evaluation.models import CheckIn
from matching.models import Match
from matching.services import match_respond, matches_approve, matching_run
from mentoring.models import Level
from programs.models import Application, Program
from programs.services import application_decide, program_transition
from sessions.models import Meeting
from tests.e2e.i18n import assert_page_in, english_left, localized_date
from tests.mentoring.factories import PASSWORD, DepartmentFactory, UserFactory
from tests.programs.factories import apply, tech_program, topic

# What people wrote, in the journey's language: names, titles, departments, answers, the
# program's name and goal as HR gave them in that language (the English original never shows).
PEOPLE = {
    "de": {
        "number": 160,
        "timezone": "Europe/Berlin",
        "junior": ("Lena", "Vogel", "Softwareentwicklerin", "Technik"),
        "senior": ("Konrad", "Albrecht", "Bereichsleiter Vertrieb", "Vertrieb"),
        "program": ("Perspektivwechsel 2027", "Führungskräfte lernen von jungen Kolleginnen und Kollegen, wie sie heute arbeiten."),
        "motivation": "Ich möchte zeigen, wie wir im Team mit KI-Werkzeugen arbeiten.",
        "hopes": "Mehr Sichtbarkeit und ehrliche Gespräche auf Augenhöhe.",
        "comment": "Bisher läuft alles gut, wir treffen uns regelmäßig.",
    },
    "fr": {
        "number": 161,
        "timezone": "Europe/Paris",
        "junior": ("Camille", "Lefèvre", "Développeuse logiciel", "Technique"),
        "senior": ("Hélène", "Marchand", "Directrice commerciale", "Ventes"),
        "program": ("Regards croisés 2027", "Les dirigeants apprennent de leurs jeunes collègues leur façon de travailler aujourd’hui."),
        "motivation": "Je souhaite montrer comment notre équipe travaille avec les outils d’IA.",
        "hopes": "Plus de visibilité et des échanges francs, d’égal à égal.",
        "comment": "Tout se passe bien jusqu’ici, nous nous voyons régulièrement.",
    },
    "es": {
        "number": 162,
        "timezone": "Europe/Madrid",
        "junior": ("Lucía", "Navarro", "Desarrolladora de software", "Tecnología"),
        "senior": ("Javier", "Ortega", "Director comercial", "Ventas"),
        "program": ("Miradas cruzadas 2027", "Los directivos aprenden de sus colegas jóvenes cómo se trabaja hoy."),
        "motivation": "Quiero mostrar cómo trabaja nuestro equipo con herramientas de IA.",
        "hopes": "Más visibilidad y conversaciones sinceras de igual a igual.",
        "comment": "Hasta ahora todo va bien, nos reunimos con regularidad.",
    },
}

LANGUAGE_NAMES = {"de": "German", "fr": "French", "es": "Spanish"}


def t(language: str, message: str, **values) -> str:
    """A UI string as the server shows it in `language` (the same catalogs, the same gettext)."""
    with translation.override(language):
        text = gettext(message)
    return text % values if values else text


def person(language: str, side: str, level: int):
    first, last, title, department = PEOPLE[language][side]
    return UserFactory(
        email=f"{side}-{language}@example.com",
        first_name=first,
        last_name=last,
        title=title,
        department=DepartmentFactory(name=department),
        level=level,
        language=language,
        timezone=PEOPLE[language]["timezone"],
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["de", "fr", "es"])
def test_participant_journey_has_no_english_left(language, new_context, live_server, hr, screenshot_dir):
    data = PEOPLE[language]
    number = data["number"]
    junior = person(language, "junior", Level.JUNIOR)
    senior = person(language, "senior", Level.DIRECTOR)
    name, goal = data["program"]
    # HR set the program up from the tech template in the participants' language (so its
    # curriculum titles and terms are written in it) and gave name and goal in that language.
    with translation.override(language):
        program = tech_program(
            hr=hr,
            status=Program.Status.RECRUITING,
            open_call=True,
            name="Reverse mentoring pilot",
            goal="Leaders learn how younger colleagues work.",
            translations={language: {"name": name, "goal": goal}},
        )
    ai = topic("AI and automation")

    def check(page, where: str) -> str:
        return assert_page_in(page, language, where=where)

    # 1. An English browser: the sign-in page is English until the junior picks their language
    # in the footer; once signed in, their profile language decides.
    context = new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url + "/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("Language").select_option(language)
    page.get_by_role("button", name="Change language").click()
    check(page, "The sign-in page")
    page.get_by_label(t(language, "Email")).fill(junior.email)
    page.get_by_label(t(language, "Password")).fill(PASSWORD)
    page.get_by_role("button", name=t(language, "Sign In")).click()
    expect(page.get_by_role("heading", name=t(language, "Hello, %(name)s", name=junior.first_name))).to_be_visible()
    text = check(page, "The home page")
    assert localized_date(program.start_date, language) in text, "the home page shows the start date in the language's format"
    assert "Reverse mentoring pilot" not in text

    page.get_by_role("link", name=t(language, "Read more and apply")).click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    check(page, "The program page")
    page.get_by_role("link", name=t(language, "Apply"), exact=True).click()
    expect(page.get_by_role("heading", name=t(language, "Apply to %(name)s", name=name))).to_be_visible()
    check(page, "The application form")
    page.get_by_label(t(language, "Confidence: %(name)s", name=t(language, ai.name))).select_option(label=t(language, "Expert"))
    page.get_by_label(t(language, "Why do you want to take part?")).fill(data["motivation"])
    page.get_by_label(t(language, "What would you like to get out of it?")).fill(data["hopes"])
    page.locator("label[for=id_comfort_with_seniors_3]").click()
    page.get_by_label(f"{t(language, 'Tuesday')} {t(language, 'Morning')}").check()
    page.get_by_label(f"{t(language, 'Thursday')} {t(language, 'Afternoon')}").check()
    # The profile language is ticked to start with; the junior can also meet in English.
    expect(page.get_by_role("checkbox", name=t(language, LANGUAGE_NAMES[language]))).to_be_checked()
    page.get_by_role("checkbox", name=t(language, "English")).check()
    page.get_by_label(t(language, "I am taking part voluntarily, because I want to.")).check()
    page.get_by_label(t(language, "I accept the confidentiality terms above.")).check()
    page.get_by_role("button", name=t(language, "Submit application")).click()
    expect(page.get_by_text(t(language, "Thank you! Your application is in; HR will get back to you."))).to_be_visible()
    check(page, "The application's confirmation page")
    application = Application.objects.get(program=program, user=junior)
    assert application.motivation == data["motivation"] and set(application.languages) == {language, "en"}

    # 2. HR accepts both, matches and offers; the junior accepts in the browser, the senior by service.
    application_decide(application=application, decision="accepted", by=hr)
    application_decide(
        application=apply(program, senior, interests={ai.pk: 3}, languages=[language], preferred_times=["tue_morning"]),
        decision="accepted",
        by=hr,
    )
    program_transition(program=program, to_status=Program.Status.MATCHING, by=hr)
    program.refresh_from_db()
    matching_run(program=program, by=hr)
    assert matches_approve(program=program, by=hr) == 1
    match = Match.objects.get(program=program)

    page.goto(live_server.url + "/")
    check(page, "The home page with the offer")
    page.get_by_role("link", name=re.compile(re.escape(t(language, "Please answer")))).click()
    expect(page.get_by_role("heading", name=t(language, "You and %(name)s", name=senior.get_full_name()))).to_be_visible()
    check(page, "The match offer")
    page.get_by_role("button", name=t(language, "Accept the match")).click()
    expect(page.get_by_text(t(language, "You accepted. We are waiting for the other side."))).to_be_visible()
    check(page, "The match page after accepting")
    match_respond(match=match, user=senior, accept=True)
    page.reload()
    expect(
        page.get_by_text(
            t(
                language,
                "Confirmed! Next: plan your kickoff — get to know each other, clarify expectations, prioritise topics and agree on the format.",
            )
        )
    ).to_be_visible()
    text = check(page, "The confirmed match")
    first_meeting = Meeting.objects.filter(match=match, due_by__isnull=False).order_by("due_by").first()
    assert first_meeting is not None
    due = localized_date(first_meeting.due_by, language, "j M")
    assert due in text, f"the pair page shows when to meet by as {due!r}"
    page.screenshot(path=screenshot_dir / f"{number}-{language}-match-confirmed.png", full_page=True)
    match.refresh_from_db()
    assert match.status == Match.Status.CONFIRMED

    # 3. The program runs: the junior fills the monthly check-in.
    program_transition(program=program, to_status=Program.Status.ACTIVE, by=hr)
    page.goto(live_server.url + "/")
    check(page, "The home page of a running program")
    page.get_by_role("link", name=re.compile(re.escape(t(language, "Monthly check-in")))).first.click()
    expect(page.get_by_role("heading", name=re.compile(re.escape(name)))).to_be_visible()
    check(page, "The check-in form")
    page.locator("label[for=pulse-4]").click()
    page.get_by_label(t(language, "Yes"), exact=True).check()
    page.get_by_label(t(language, "Comment (optional)")).fill(data["comment"])
    page.screenshot(path=screenshot_dir / f"{number}-{language}-checkin.png", full_page=True)
    page.get_by_role("button", name=t(language, "Send check-in")).click()
    expect(page.get_by_text(t(language, "Thank you for checking in."))).to_be_visible()
    check(page, "The home page after the check-in")
    checkin = CheckIn.objects.get(program=program, user=junior)
    assert checkin.pulse == 4 and checkin.comment == data["comment"]


@pytest.mark.parametrize("language", ["de", "fr", "es"])
def test_the_check_finds_english_and_passes_the_translation(language):
    """The helper the journeys rely on is not blind: the English of a page's strings is caught,
    their translation and the product's name are not."""
    english = "Thank you for checking in. Check-in, month 2 · Perspektivwechsel 2027 Accept the match 9 May Thursday"
    found = english_left(english, language)
    for expected in ("Thank you for checking in", "Check-in, month", "Accept the match", "'Thursday'"):
        assert any(expected in line for line in found), (expected, found)
    translated = " ".join(
        [
            t(language, "Thank you for checking in."),
            t(language, "Check-in, month %(month)s · %(name)s", month=2, name="Perspektivwechsel 2027"),
            t(language, "Accept the match"),
            localized_date(datetime.date(2027, 5, 9), language, "j M"),
            localized_date(datetime.date(2027, 5, 13), language, "l j F Y"),
            "Reverse Mentoring",
        ]
    )
    assert english_left(translated, language) == []
