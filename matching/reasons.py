"""Explanations and unmatched reasons in the reader's language.

The engine and the services store reasons as data, never as sentences in the language of whoever
ran the matching: {"msg": <English msgid>, <param>: <value>, …}, where a value is plain text (a
person's name, kept as written), a number, {"t": <catalog text>} (translated: a built-in topic, a
time slot, a language), {"list": [...]} (joined with the reader's "and"), or another reason.
`{"msg", "plural", "n"}` picks the plural form; `{"t", "name": True}` is a weekday or language
name, in lower case where the reader's language writes it so mid-sentence. Reasons stored as plain strings by older runs are
shown as they are.
"""

from __future__ import annotations

from typing import Any

from django.utils.formats import number_format
from django.utils.translation import get_language, gettext, ngettext


def _inline(name: str) -> str:
    """A topic name inside an English sentence: "Remote work" → "remote work", "AI tools" stays.
    Other languages keep the name's own capitals (German nouns, for one)."""
    if (get_language() or "en").startswith("en") and len(name) > 1 and name[1].islower():
        return name[0].lower() + name[1:]
    return name


# Languages that write weekday and language names in lower case inside a sentence ("mardi",
# "español"); English and German keep their capitals.
LOWER_CASE_NAMES = {"fr", "es"}


def _name_in_sentence(name: str) -> str:
    if (get_language() or "en").split("-")[0] in LOWER_CASE_NAMES and name[:1].isupper() and name[1:2].islower():
        return name[0].lower() + name[1:]
    return name


def join(items: list[str]) -> str:
    """ "a", "a and b", "a, b and c" in the reader's language."""
    if len(items) <= 1:
        return "".join(items)
    return gettext("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def render(item: Any) -> str:
    if isinstance(item, str):
        return item
    if isinstance(item, bool):
        return str(item)
    if isinstance(item, int | float):
        if float(item).is_integer():
            return number_format(int(item))
        return number_format(round(float(item), 2))
    if isinstance(item, list):
        return join([render(part) for part in item])
    if isinstance(item, dict):
        if "msg" in item:
            params: dict[str, Any] = {key: render(value) for key, value in item.items() if key not in {"msg", "plural", "n"}}
            if "plural" in item:
                text = ngettext(item["msg"], item["plural"], int(item["n"]))
                params.setdefault("count", int(item["n"]))
            else:
                text = gettext(item["msg"])
            return text % params if params else text
        if "t" in item:
            translated = gettext(item["t"]) if item["t"] else item["t"]
            if item.get("name"):  # a weekday or a language
                return _name_in_sentence(translated)
            return _inline(translated) if item.get("inline") else translated
        if "list" in item:
            return join([render(part) for part in item["list"]])
    return str(item)


def render_all(items: list[Any]) -> list[str]:
    return [render(item) for item in items]
