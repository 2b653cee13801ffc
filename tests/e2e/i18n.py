""" "No English left on the page": the English UI strings of a language's catalog, looked for in
a page's visible text. A translated page may still show what people wrote (names, notes, a
program name given in one language only); the journeys choose such content in the page's
language, so any catalog string still in English is a string the page did not translate."""

import datetime
import functools
import re
from pathlib import Path

import polib
import pytest
from django.utils import formats, translation

LOCALE = Path(__file__).resolve().parents[2] / "locale"

# What a msgid interpolates or marks up is not English text: %(name)s, %s, {{ name }},
# {% tag %}, {0}/{name} and HTML tags split a msgid into its literal fragments.
_PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdifr]|\{\{.*?\}\}|\{%.*?%\}|\{\w*\}|<[^>]*>|\n")
_EDGE = " \t\r\n.,;:·—–-()[]“”\"'’‘…!?/|•"
_LETTER = re.compile(r"[^\W\d_]")

# Third-party strings that are English in every language and cannot be translated by us.
# Each entry: (language or "*", fragment, why). Empty while no page of the journeys needs one.
THIRD_PARTY_ALLOWLIST: list[tuple[str, str, str]] = []

_ENGLISH_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
_ENGLISH_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
# Month abbreviations only: a weekday's ("D j M": "Thu 9 May") comes with one, and "Mon" is French.
_ENGLISH_ABBREVIATIONS = [m[:3] for m in _ENGLISH_MONTHS if len(m) > 3]


def _fragments(msgid: str) -> list[str]:
    pieces = (piece.strip(_EDGE) for piece in _PLACEHOLDER.split(msgid))
    return [p for p in pieces if _LETTER.search(p) and (len(p.split()) >= 2 or len(p) >= 12)]


def _pattern(fragment: str) -> re.Pattern:
    # Whole-word-ish: not glued to letters on either side; any run of white space matches any
    # other, since inner_text() breaks lines where the layout does.
    body = r"\s+".join(re.escape(word) for word in fragment.split())
    return re.compile(rf"(?<!\w){body}(?!\w)")


@functools.cache
def english_fragments(language: str) -> tuple[tuple[str, str, re.Pattern], ...]:
    """(fragment, msgid, pattern) for every English fragment the `language` catalog translates.

    An entry counts when its translation differs from the msgid, or when it has none (not yet
    translated or fuzzy: the page then shows the English). A fragment the catalog keeps as it is
    in some translation (a loanword or the product's name, e.g. "Reverse Mentoring") is not
    English to be translated, so it is left out."""
    catalog = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    translations: list[str] = []
    candidates: list[tuple[str, str]] = []
    for entry in catalog:
        if entry.obsolete:
            continue
        msgstrs = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        usable = "fuzzy" not in entry.flags and all(msgstrs)
        if usable:
            translations.extend(msgstrs)
        msgids = [entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid]
        if usable and set(msgstrs) <= set(msgids):
            continue
        for msgid in msgids:
            candidates.extend((fragment, msgid) for fragment in _fragments(msgid))
    kept = " \n ".join(translations)
    found: dict[str, tuple[str, str, re.Pattern]] = {}
    for fragment, msgid in candidates:
        if fragment in found:
            continue
        pattern = _pattern(fragment)
        if not pattern.search(kept):
            found[fragment] = (fragment, msgid, pattern)
    return tuple(found.values())


def english_left(text: str, language: str, *, allow: tuple[str, ...] = ()) -> list[str]:
    """The catalog's English fragments in `text`, each with the msgid it comes from."""
    allowed = {f for lang, f, _why in THIRD_PARTY_ALLOWLIST if lang in {"*", language}} | set(allow)
    left = [
        f"{fragment!r} (msgid {msgid!r}) in “{_around(text, hit)}”"
        for fragment, msgid, pattern in english_fragments(language)
        if fragment not in allowed and (hit := pattern.search(text))
    ]
    # Dates: English month and weekday names (full and abbreviated) that the language spells
    # differently (Spanish abbreviates May as "May", German writes "April" as English does).
    with translation.override(language):
        own = {formats.date_format(_date(m, 1), f) for m in range(1, 13) for f in "FMbN"}
        own |= {formats.date_format(_date(1, d), f) for d in range(1, 8) for f in "lD"}
    # An abbreviation is a date only next to a number ("9 Dec", "Dec 9").
    patterns = [(name, rf"(?<!\w){name}(?!\w)") for name in _ENGLISH_MONTHS + _ENGLISH_WEEKDAYS]
    patterns += [(name, rf"(?<!\w)(?:\d{{1,2}}\.?\s+{name}|{name}\.?,?\s+\d{{1,2}})(?!\w)") for name in _ENGLISH_ABBREVIATIONS]
    for name, pattern in patterns:
        if name not in own and (hit := re.search(pattern, text)):
            left.append(f"{name!r} (an English month or weekday name) in “{_around(text, hit)}”")
    return left


def _around(text: str, hit: re.Match, width: int = 40) -> str:
    return " ".join(text[max(0, hit.start() - width) : hit.end() + width].split())


def _date(month: int, day: int) -> datetime.date:
    return datetime.date(2029, month, day)  # 1 January 2029 is a Monday


def localized_date(value, language: str, fmt: str = "DATE_FORMAT") -> str:
    """`value` as the server writes it in `language`: `fmt` is a format setting's name or a
    format string, which is itself translated (templates write `date:_("j M")`)."""
    with translation.override(language):
        return formats.date_format(value, fmt if fmt.isupper() else translation.gettext(fmt))


_PLACEHOLDERS = "fields => fields.map(field => field.placeholder)"


def assert_page_in(page, language: str, *, where: str, allow: tuple[str, ...] = ()) -> str:
    """Fail unless `page` is marked as `language` and shows no English UI string; returns the
    page's visible text for further checks."""
    lang = page.locator("html").get_attribute("lang")
    # What the eye reads: the text, plus the tab's title and the hints inside empty fields.
    text = "\n".join([page.title(), page.locator("body").inner_text(), *page.eval_on_selector_all("[placeholder]", _PLACEHOLDERS)])
    problems = []
    if lang != language:
        problems.append(f'<html lang="{lang}">, expected "{language}"')
    left = english_left(text, language, allow=allow)
    if left:
        problems.append("English left on the page:\n    " + "\n    ".join(left))
    if problems:
        pytest.fail(f"{where} ({page.url}) is not all in {language!r}:\n  " + "\n  ".join(problems), pytrace=False)
    return text
