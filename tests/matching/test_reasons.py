"""Reasons are stored as data and read in the reader's language (matching.reasons)."""

from django.utils import translation
from django.utils.translation import gettext

from matching.reasons import join, render, render_all


def test_plain_strings_from_older_runs_read_as_they_are():
    assert render("shares remote work") == "shares remote work"


def test_a_message_with_translated_parts_names_and_numbers():
    reason = {"msg": "shares %(topics)s", "topics": [{"t": "Remote work best practices", "inline": True}, {"t": "AI and automation"}]}
    assert render(reason) == "shares remote work best practices and AI and automation"
    assert render({"msg": "%(hours)s h time difference", "hours": 1.0}) == "1 h time difference"
    assert render({"msg": "%(hours)s h time difference", "hours": 5.5}) == "5.5 h time difference"
    assert (
        render({"msg": "%(name)s: %(reason)s", "name": "Ana Apprentice", "reason": {"msg": "pinned by HR"}})
        == "Ana Apprentice: pinned by HR"
    )


def test_plurals_and_joined_lists():
    one = {"msg": "%(count)d senior ruled out", "plural": "%(count)d seniors ruled out", "n": 1}
    many = {**one, "n": 3}
    assert render_all([one, many]) == ["1 senior ruled out", "3 seniors ruled out"]
    assert join([]) == "" and join(["a"]) == "a" and join(["a", "b", "c"]) == "a, b and c"


def test_topic_names_keep_their_capitals_outside_english():
    reason = {"msg": "shares %(topics)s", "topics": [{"t": "Remote work best practices", "inline": True}]}
    with translation.override("de"):
        assert "Remote" in render(reason)
    with translation.override("en"):
        assert "remote work" in render(reason)


def test_numbers_follow_the_reader_s_locale():
    with translation.override("de"):
        assert render({"msg": "%(hours)s h time difference", "hours": 5.5}).startswith("5,5")


def test_weekday_and_language_names_are_lower_case_mid_sentence_where_the_language_says_so():
    slot = {"msg": "%(day)s mornings", "day": {"t": "Tuesday", "name": True}}
    meet = {"msg": "can meet in %(languages)s", "languages": [{"t": "Spanish", "name": True}]}
    with translation.override("en"):
        assert render(slot) == "Tuesday mornings" and render(meet) == "can meet in Spanish"
    with translation.override("de"):
        assert gettext("Tuesday") in render(slot)  # German keeps its capitals
    for code in ("fr", "es"):
        with translation.override(code):
            day, language = gettext("Tuesday"), gettext("Spanish")
            assert day[0].lower() + day[1:] in render(slot) and day not in render(slot)
            assert language[0].lower() + language[1:] in render(meet)


def test_plural_reasons_are_one_catalog_entry_and_read_in_the_right_form():
    """scoring.ngettext marks both forms as one entry (makemessages extracts them together)."""
    from matching.scoring import ngettext as plural_reason

    reason = plural_reason("%(count)d senior without a shared language", "%(count)d seniors without a shared language", 3)
    with translation.override("de"):
        german = render(reason)
        assert german == translation.ngettext(reason["msg"], reason["plural"], 3) % {"count": 3}
    assert german != "3 seniors without a shared language"
