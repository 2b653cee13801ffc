from django import forms
from django.utils.translation import gettext_lazy as _

from mentoring.models import User
from mentoring.web import IdChoiceField, IdMultipleChoiceField

from .models import Match, MatchingConfig, PairRule


class ConfigForm(forms.Form):
    topics = forms.IntegerField(label=_("Topic fit"), min_value=0, max_value=100)
    availability = forms.IntegerField(label=_("Availability"), min_value=0, max_value=100)
    chemistry = forms.IntegerField(label=_("Working-style chemistry"), min_value=0, max_value=100)
    diversity = forms.IntegerField(label=_("Different departments"), min_value=0, max_value=100)
    objective = forms.ChoiceField(label=_("Objective"), choices=MatchingConfig.Objective.choices)
    min_level_gap = forms.IntegerField(label=_("Minimum level gap"), min_value=0, max_value=60)


class ApproveForm(forms.Form):
    """The proposals HR offers; none chosen means all of them."""

    matches = IdMultipleChoiceField(
        queryset=Match.objects.none(),
        required=False,
        error_messages=dict.fromkeys(
            ("invalid_choice", "invalid_pk_value", "invalid_list"), _("Choose the matches to offer from the list.")
        ),
    )

    def __init__(self, *args, program, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["matches"].queryset = program.matches.all()


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
