from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mentoring.models import Level, User
from mentoring.web import IdChoiceField, pk_from

from .models import Match, MatchingConfig, PairRule
from .selectors import EXPLANATION_FLAGS, REVIEW_ORDER, SCORE_BANDS

LEVEL_STEP = Level.JUNIOR - Level.APPRENTICE


def level_gap_choices() -> list[tuple[int, str]]:
    """Level distances in the level names the rest of the product uses (levels are stored as
    10, 20, … 70, so one step is 10)."""
    levels = list(Level)
    choices: list[tuple[int, str]] = [(0, str(_("Any level (same level allowed)")))]
    for steps in range(1, len(levels)):
        example = {"junior": levels[1].label, "senior": levels[min(1 + steps, len(levels) - 1)].label}
        if 1 + steps >= len(levels):
            example = {"junior": levels[0].label, "senior": levels[steps].label}
        label = ngettext(
            "%(steps)d level: %(junior)s → %(senior)s",
            "%(steps)d levels: %(junior)s → %(senior)s",
            steps,
        ) % {"steps": steps, **example}
        choices.append((steps * LEVEL_STEP, label))
    return choices


class ConfigForm(forms.Form):
    topics = forms.IntegerField(label=_("Topic fit"), min_value=0, max_value=100)
    availability = forms.IntegerField(label=_("Availability"), min_value=0, max_value=100)
    chemistry = forms.IntegerField(label=_("Working-style chemistry"), min_value=0, max_value=100)
    diversity = forms.IntegerField(label=_("Different departments"), min_value=0, max_value=100)
    objective = forms.ChoiceField(label=_("Objective"), choices=MatchingConfig.Objective.choices)
    min_level_gap = forms.TypedChoiceField(
        label=_("Senior at least this far above the junior"),
        coerce=int,
        choices=level_gap_choices,
        error_messages={"invalid_choice": _("Pick one of the level distances offered.")},
    )

    peer_partners = forms.ChoiceField(
        label=_("Peer exchange partners"),
        choices=MatchingConfig.PeerPartners.choices,
        required=False,  # left out: the current rule stays
        help_text=MatchingConfig._meta.get_field("peer_partners").help_text,
        error_messages={"invalid_choice": _("Pick one of the partner rules offered.")},
    )

    def __init__(self, *args, peer_exchange: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not peer_exchange:  # only peer exchange pairs anyone with anyone
            del self.fields["peer_partners"]
        gap = self.initial.get("min_level_gap")
        field = self.fields["min_level_gap"]
        if isinstance(gap, int) and gap not in {value for value, _label in field.choices}:
            # A gap saved before levels were offered by name stays as it was until HR picks one.
            field.choices = [*field.choices, (gap, _("%(points)d level points (set earlier)") % {"points": gap})]


class ReviewFilterForm(forms.Form):
    """The review list's search and filters (GET), also sent with "approve what this filter shows"."""

    q = forms.CharField(label=_("Search people"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any status"))])
    score = forms.ChoiceField(label=_("Score"), required=False, choices=[("", _("Any score"))])
    flag = forms.ChoiceField(label=_("Explanation"), required=False, choices=[("", _("Anything"))])

    FIELDS = ("q", "status", "score", "flag")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices += [(value, Match.Status(value).label) for value in REVIEW_ORDER]
        self.fields["score"].choices += [(key, label) for key, (_bounds, label) in SCORE_BANDS.items()]
        self.fields["flag"].choices += [(key, label) for key, (_condition, label) in EXPLANATION_FLAGS.items()]

    @property
    def filters(self) -> dict[str, str]:
        """The valid filters as `selectors.matches_for_review` takes them: a field with a bad value
        is left out (the page says so), the others still apply."""
        data: dict = {}
        if self.is_bound:
            self.is_valid()  # cleaned_data then holds the fields that are valid
            data = self.cleaned_data
        return {
            "search": " ".join((data.get("q") or "").split()),
            "status": data.get("status") or "",
            "score_band": data.get("score") or "",
            "flag": data.get("flag") or "",
        }

    @property
    def narrowed(self) -> bool:
        return any(self.filters.values())


class MatchIdsField(forms.Field):
    """Primary keys of matches, as integers: bad input is a form error, and checking a thousand
    of them costs one query of ids (see ApproveForm), not a thousand model instances."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": _("Choose the matches to offer from the list.")}

    def to_python(self, value) -> list[int]:
        if value in self.empty_values:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        ids = [pk_from(str(item)) for item in values]
        if any(pk is None for pk in ids):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return list(dict.fromkeys(pk for pk in ids if pk is not None))


class ApproveForm(forms.Form):
    """The proposals HR offers: the chosen ones, those the filter shows (scope=filter), or, with
    neither, all of them."""

    matches = MatchIdsField(required=False)
    scope = forms.ChoiceField(required=False, choices=[("", ""), ("filter", "filter")])

    def __init__(self, *args, program, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.program = program

    def clean_matches(self) -> list[int]:
        ids = self.cleaned_data["matches"]
        if ids and self.program.matches.filter(pk__in=ids).count() != len(ids):
            raise ValidationError(MatchIdsField.default_error_messages["invalid"], code="invalid")
        return ids


class PairForm(forms.Form):
    junior = IdChoiceField(label=_("Junior mentor"), queryset=User.objects.all())
    senior = IdChoiceField(label=_("Senior mentee"), queryset=User.objects.all())
    kind = forms.ChoiceField(choices=[("manual", _("Create match")), *PairRule.Kind.choices], required=False)
    reason = forms.CharField(required=False, max_length=300)


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class EndForm(forms.Form):
    reason = forms.CharField(max_length=2000)
