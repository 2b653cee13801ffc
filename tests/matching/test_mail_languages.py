"""Every mail in its recipient's language (and the program's name in it, if HR gave one)."""

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from matching.services import matches_approve, matching_run
from programs.services import program_update

pytestmark = pytest.mark.django_db

NAMES = {"de": "Technik lernt von Juniors", "fr": "La tech apprend des juniors", "es": "La tecnología aprende de los juniors"}


@pytest.mark.parametrize("language", ["de", "fr", "es"])
def test_the_match_offer_reaches_each_member_in_their_language(cohort, hr, language, django_capture_on_commit_callbacks):
    program, people = cohort
    program_update(program=program, data={"translations": {code: {"name": name} for code, name in NAMES.items()}})
    for person in people.values():
        person.language = language if person.level < 40 else "en"  # juniors read `language`, seniors English
        person.save()
    matching_run(program=program, by=hr)
    with django_capture_on_commit_callbacks(execute=True):
        matches_approve(program=program, by=hr)
    assert mail.outbox
    with translation.override(language):
        translated = gettext("Your reverse mentoring match in %(name)s") % {"name": NAMES[language]}
        html_lang = f'<html lang="{language}">'
    english = f"Your reverse mentoring match in {program.name}"
    languages = {person.email: person.language for person in people.values()}
    for message in mail.outbox:
        if languages[message.to[0]] == language:
            assert message.subject == translated != english
            assert html_lang in message.alternatives[0][0]
        else:
            assert message.subject == english
