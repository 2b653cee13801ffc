"""A text field that holds one of a fixed set of values declares the set (`choices`): forms,
admin and `full_clean` then refuse anything else, and the labels get translated.

Free text (names, titles, reasons) and identifiers of things that may go away while rows keep
them (`Program.template_key`: a template retired later) are not enumerations."""

from django.apps import apps
from django.db import models

PROJECT_APPS = {"mentoring", "notifications", "programs", "matching", "mentoring_sessions", "evaluation", "portal"}
ENUMERATED_NAMES = {
    "status",
    "kind",
    "role",
    "format",
    "category",
    "area",
    "objective",
    "response",
    "visibility",
    "source",
    "language",
    "expected_impact",
}
ENUMERATED_SUFFIXES = ("_status", "_cadence", "_mode")
ALSO_ENUMERATED = {("evaluation.Question", "key")}  # the built-in questions the dashboard reads


def enumerated_text_fields():
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.get_fields():
            if not isinstance(field, models.CharField):
                continue
            if (
                field.name in ENUMERATED_NAMES
                or field.name.endswith(ENUMERATED_SUFFIXES)
                or (model._meta.label, field.name) in ALSO_ENUMERATED
            ):
                yield model._meta.label, field


def test_every_enumerated_text_field_declares_its_choices():
    fields = list(enumerated_text_fields())
    labels = {(label, field.name) for label, field in fields}
    assert {
        ("evaluation.Response", "role"),
        ("matching.MatchRun", "objective"),
        ("evaluation.Question", "key"),
    } <= labels  # the ones added last
    assert [f"{label}.{field.name}" for label, field in fields if not field.choices] == []
