"""The evaluation pages' input: each POST is read through one of these forms, so bad input
comes back as a message on its field instead of a 500 or a silent default.

The services check again (they are called from the demo and the tests too) and word their
refusals the same way; `mentoring.web.form_errors_from` puts those on the form's fields.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mentoring.models import User
from mentoring.web import IdChoiceField, IdMultipleChoiceField
from programs.models import Program, Topic, TopicCategory

from .models import Challenge, Question, Recommendation, Survey
from .selectors import PairStatus

PULSE_CHOICES = [(n, str(n)) for n in range(1, 6)]
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _same_message(message, *codes: str) -> dict:
    return dict.fromkeys(codes, message)


# --- participants -------------------------------------------------------------------------------
class CheckInForm(forms.Form):
    pulse = forms.TypedChoiceField(
        choices=PULSE_CHOICES, coerce=int, error_messages=_same_message(_("Choose from 1 to 5."), "required", "invalid_choice")
    )
    meetings_as_planned = forms.ChoiceField(choices=YES_NO, initial="yes")
    flags = forms.MultipleChoiceField(choices=Challenge.choices, required=False, error_messages={"invalid_choice": _("Unknown challenge.")})
    comment = forms.CharField(required=False)  # its length limit is the service's, worded for people
    reach_out = forms.BooleanField(required=False)


def _question_field(question: Question) -> forms.Field:
    """The field for one survey question, refusing what the service would refuse, in its words."""
    required = {"required": _("Please answer this question.")}
    if question.kind == Question.Kind.SCALE:
        return forms.TypedChoiceField(
            choices=PULSE_CHOICES,
            coerce=int,
            required=question.required,
            error_messages={**required, "invalid_choice": _("Choose from 1 to 5.")},
        )
    if question.kind == Question.Kind.YESNO:
        return forms.ChoiceField(
            choices=YES_NO, required=question.required, error_messages={**required, "invalid_choice": _("Answer yes or no.")}
        )
    if question.kind == Question.Kind.CHOICE:
        return forms.ChoiceField(
            choices=[(c, c) for c in question.choices],
            required=question.required,
            error_messages={**required, "invalid_choice": _("Choose one of the options.")},
        )
    if question.kind == Question.Kind.TOPICS:
        return IdMultipleChoiceField(
            queryset=Topic.objects.all(),
            required=question.required,
            error_messages={
                **required,
                **_same_message(_("Choose topics from the list."), "invalid_choice", "invalid_pk_value", "invalid_list"),
            },
        )
    return forms.CharField(required=question.required, error_messages=required)  # its length limit is the service's


class SurveyForm(forms.Form):
    """One field per question of `survey`, named `q<question id>` like the service's errors."""

    def __init__(self, *args, survey: Survey, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(survey.questions.all())
        for question in self.questions:
            self.fields[f"q{question.pk}"] = _question_field(question)

    def answers(self) -> dict[int, object]:
        """The cleaned answers by question id, as `response_submit` takes them."""
        answers = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"q{question.pk}")
            answers[question.pk] = [topic.pk for topic in value or []] if question.kind == Question.Kind.TOPICS else value
        return answers

    def rows(self) -> list[tuple[Question, forms.BoundField]]:
        return [(question, self[f"q{question.pk}"]) for question in self.questions]


class RecommendationForm(forms.Form):
    title = forms.CharField(error_messages={"required": _("Give it a title.")})  # length limits: the service's
    description = forms.CharField(widget=forms.Textarea, error_messages={"required": _("Describe the change you suggest.")})
    area = forms.ChoiceField(
        choices=TopicCategory.choices, error_messages=_same_message(_("Choose an area."), "required", "invalid_choice")
    )
    expected_impact = forms.ChoiceField(
        choices=Recommendation.Impact.choices,
        initial=Recommendation.Impact.MEDIUM,
        error_messages=_same_message(_("Choose the expected impact."), "required", "invalid_choice"),
    )
    coauthors = IdMultipleChoiceField(queryset=User.objects.none(), required=False)

    def __init__(self, *args, coauthors, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["coauthors"].queryset = coauthors


# --- HR -----------------------------------------------------------------------------------------
class PairActionForm(forms.Form):
    """The dashboard's buttons for one pair: an HR note (the default), kudos, pause or resume."""

    action = forms.ChoiceField(choices=[("note", "note"), ("kudos", "kudos"), ("pause", "pause"), ("resume", "resume")], required=False)
    body = forms.CharField(required=False)
    message = forms.CharField(required=False)
    reason = forms.CharField(required=False)

    def clean_action(self) -> str:
        return self.cleaned_data["action"] or "note"


class PairFilterForm(forms.Form):
    """The dashboard's pair list: a health status and words of a member's name or e-mail. A value
    that is not on the list is shown as the field's error and the list stays unfiltered."""

    status = forms.ChoiceField(
        label=_("Health"), choices=[("", _("All pairs")), *PairStatus.choices], required=False,
        error_messages={"invalid_choice": _("Choose a health status from the list.")},
        widget=forms.Select(attrs={"class": "form-select"}),
    )  # fmt: skip
    q = forms.CharField(label=_("Name or e-mail"), required=False, max_length=100)


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Question"), error_messages={"required": _("Write the question.")})  # length: the service's
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=Question.Kind.choices,
        error_messages=_same_message(_("Unknown question type."), "required", "invalid_choice"),
    )
    choices = forms.CharField(label=_("Options (choice questions, one per line)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)

    def options(self) -> list[str]:
        return self.cleaned_data["choices"].splitlines()


class RecommendationUpdateForm(forms.Form):
    """Leadership's answer to one recommendation of `program`'s board."""

    recommendation = IdChoiceField(
        queryset=Recommendation.objects.none(),
        error_messages=_same_message(
            _("That recommendation is not on this program's board; reload the page and try again."), "required", "invalid_choice"
        ),
    )
    status = forms.ChoiceField(
        choices=Recommendation.Status.choices,
        error_messages=_same_message(_("Choose a status from the list."), "required", "invalid_choice"),
    )
    leadership_response = forms.CharField(required=False)  # length limits: the service's
    follow_up_date = forms.DateField(
        required=False, input_formats=["%Y-%m-%d"], error_messages={"invalid": _("Enter the follow-up date as YYYY-MM-DD.")}
    )
    outcome = forms.CharField(required=False)

    def __init__(self, *args, program: Program, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recommendation"].queryset = program.recommendations.all()
