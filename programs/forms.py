from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row, Submit
from django import forms
from django.conf import settings
from django.contrib.auth.models import Group
from django.db.models import Q
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mentoring.models import HR_GROUP_NAME, Department, Level, User
from mentoring.web import IdChoiceField, IdMultipleChoiceField

from .models import DAY_PARTS, WEEKDAYS, Application, Generation, Program, Role, Topic, TopicCategory
from .services import ApplicationAnswers, MonthPlan
from .services.programs import PROGRAM_FIELDS


class DateInput(forms.DateInput):
    input_type = "date"


def coordinator_queryset():
    hr = Group.objects.filter(name=HR_GROUP_NAME)
    return User.objects.filter(Q(groups__in=hr) | Q(is_superuser=True), is_active=True).distinct().order_by("last_name", "first_name")


GROUP_SIZE_FIELDS = ("group_juniors_min", "group_juniors_max", "group_seniors_min", "group_seniors_max")


class ProgramForm(forms.ModelForm):
    coordinators = IdMultipleChoiceField(
        label=_("Coordinators"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple, required=True
    )

    class Meta:
        model = Program
        fields = [name for name in PROGRAM_FIELDS if name != "translations"]  # as name_<code> / goal_<code>
        widgets = {
            "start_date": DateInput(),
            "goal": forms.Textarea(attrs={"rows": 3}),
            "project_brief": forms.Textarea(attrs={"rows": 3}),
            "confidentiality_terms": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Optional name and goal per offered language, for a multilingual workforce.
        translated = []
        existing = self.instance.translations or {} if self.instance.pk else {}
        for code, language in settings.LANGUAGES:
            if code == settings.LANGUAGE_CODE:
                continue
            entry = existing.get(code) or {}
            self.fields[f"name_{code}"] = forms.CharField(
                label=_("Name in %(language)s") % {"language": language}, max_length=150, required=False, initial=entry.get("name", "")
            )
            self.fields[f"goal_{code}"] = forms.CharField(
                label=_("Goal in %(language)s") % {"language": language},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=entry.get("goal", ""),
            )
            translated.append(Row(Column(f"name_{code}"), Column(f"goal_{code}")))
        self.fields["coordinators"].queryset = coordinator_queryset()
        self.fields["start_date"].required = False
        for name in GROUP_SIZE_FIELDS:
            # Asked of group programs only (see clean()): not marked required on the others.
            self.fields[name].required = False
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(_("What and why"), "name", "goal", "format", "project_brief"),
            Fieldset(
                _("Timeframe and rhythm"),
                Row(Column("start_date"), Column("length_months")),
                Row(Column("meeting_cadence"), Column("min_meeting_minutes")),
                Row(Column("group_session_cadence"), Column("group_session_minutes")),
            ),
            Fieldset(
                _("Who takes part"),
                Row(Column("target_juniors"), Column("target_seniors")),
                Row(Column("junior_max_level"), Column("senior_min_level")),
                "open_for_applications",
            ),
            Fieldset(
                _("Group sizes (group format only)"),
                HTML(
                    '<p class="small text-body-secondary">{% load i18n %}'
                    '{% translate "Only the group format uses these; other formats ignore them." %}</p>'
                ),
                Row(Column("group_juniors_min"), Column("group_juniors_max"), Column("group_seniors_min"), Column("group_seniors_max")),
                css_class="group-sizes",
                data_only_for_format=Program.Format.GROUP,
            ),
            Fieldset(_("Confidentiality and coordination"), "confidentiality_terms", "coordinators"),
            Fieldset(
                _("Name and goal in other languages (optional)"),
                HTML(
                    format_html(
                        '<p class="small text-body-secondary">{}</p>',
                        gettext("Participants whose language is given here see the program in it; everyone else sees the original."),
                    )
                ),
                *translated,
            ),
        )

    def clean(self):
        cleaned = super().clean()
        is_group = cleaned.get("format") == Program.Format.GROUP
        for name in GROUP_SIZE_FIELDS:
            if cleaned.get(name) is not None or name in self.errors:
                continue
            if is_group:
                self.add_error(name, _("The group format needs this group size."))
            else:  # keep what was there (or the default) for a later switch to groups
                cleaned[name] = getattr(self.instance, name)
        junior, senior = cleaned.get("junior_max_level"), cleaned.get("senior_min_level")
        if junior is not None and senior is not None and junior >= senior:
            self.add_error("senior_min_level", _("Senior mentees must start above the highest junior level."))
        if cleaned.get("format") == Program.Format.PROJECT and not (cleaned.get("project_brief") or "").strip():
            self.add_error("project_brief", _("Describe the joint project for a project-based program."))
        return cleaned

    def program_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in PROGRAM_FIELDS if name in self.cleaned_data}
        data["translations"] = {
            code: {"name": self.cleaned_data.get(f"name_{code}", ""), "goal": self.cleaned_data.get(f"goal_{code}", "")}
            for code, _language in settings.LANGUAGES
            if code != settings.LANGUAGE_CODE
        }
        return data

    def _post_clean(self):
        # Validation that needs the database lives in the service; the form only checks fields.
        pass


class CurriculumMonthForm(forms.Form):
    month = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("Title"), max_length=150)
    topic = IdChoiceField(
        label=_("Topic"), queryset=Topic.objects.none(), required=False, empty_label=_("— no catalog topic (e.g. retrospective) —")
    )
    notes = forms.CharField(label=_("Notes for the pairs"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, topics=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = topics if topics is not None else Topic.objects.filter(is_active=True)
        self.fields["topic"].widget.attrs["class"] = "form-select"

    def month_plan(self) -> MonthPlan:
        return MonthPlan(
            month=self.cleaned_data["month"],
            title=self.cleaned_data["title"],
            topic=self.cleaned_data["topic"],
            notes=self.cleaned_data["notes"],
        )


class BaseCurriculumFormSet(forms.BaseFormSet):
    def __init__(self, *args, topics=None, **kwargs) -> None:
        self.topics = topics
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "topics": self.topics}


CurriculumFormSet: type[BaseCurriculumFormSet] = forms.formset_factory(  # type: ignore[assignment]  # formset_factory builds a subclass of `formset`
    CurriculumMonthForm, formset=BaseCurriculumFormSet, extra=0, max_num=24, validate_max=True
)


class TopicForm(forms.ModelForm):
    class Meta:
        model = Topic
        fields = ["name", "category", "description", "is_active"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save topic")))

    def _post_clean(self):
        pass  # uniqueness is checked by the service with a clear message


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(choices=Program.Status.choices, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    force = forms.BooleanField(label=_("Force it (before the end date)"), required=False)


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    department = IdChoiceField(
        label=_("Department"),
        queryset=Department.objects.all(),
        required=False,
        empty_label=_("All departments"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    level = forms.TypedChoiceField(
        label=_("Level"),
        choices=[("", _("All levels")), *Level.choices],
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class ApplicationFilterForm(PeopleFilterForm):
    role = forms.ChoiceField(
        label=_("Role"), choices=[("", _("Both roles")), *Role.choices], required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Any status")), *Application.Status.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class InviteForm(forms.Form):
    people = IdMultipleChoiceField(queryset=User.objects.none(), error_messages={"required": _("Select at least one person to invite.")})
    message = forms.CharField(label=_("Personal message (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, people=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = people if people is not None else User.objects.none()


class LanguagesCorrectionForm(forms.Form):
    """HR corrects the languages on someone's application, with their agreement."""

    languages = forms.MultipleChoiceField(
        label=_("Languages they can meet in"),
        choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={"required": _("Choose at least one language they can meet in."), "invalid_choice": _("Unknown language.")},
    )
    person_agreed = forms.BooleanField(
        label=_("The person agreed to this change"),
        error_messages={"required": _("Change someone's application only with their agreement: confirm that they agreed.")},
    )
    agreement_note = forms.CharField(
        label=_("How they agreed (optional)"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. by e-mail on 3 May")}),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            (Application.Status.ACCEPTED, _("Accept")),
            (Application.Status.WAITLISTED, _("Waitlist")),
            (Application.Status.DECLINED, _("Decline")),
        ]
    )
    message = forms.CharField(label=_("Message to the applicant (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class BulkDecisionForm(DecisionForm):
    applications = IdMultipleChoiceField(
        queryset=Application.objects.none(), error_messages={"required": _("Select at least one application.")}
    )

    def __init__(self, *args, program=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if program is not None:
            self.fields["applications"].queryset = program.applications.select_related("user")


class InvitationAnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])
    reason = forms.CharField(label=_("Reason (optional, shared with HR)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


STRENGTH_EXPERTISE = [("", "—"), ("1", _("Some experience")), ("2", _("Solid")), ("3", _("Expert"))]
STRENGTH_INTEREST = [("", "—"), ("1", _("Nice to have")), ("2", _("Important")), ("3", _("Top priority"))]
SCALE = [(str(n), str(n)) for n in range(1, 6)]


class ButtonRadios(forms.RadioSelect):
    """Radio buttons shown as a row of toggle buttons (see includes/scale.html)."""

    def __init__(self, attrs=None, choices=()) -> None:
        super().__init__({"class": "btn-check", **(attrs or {})}, choices)


class ApplicationForm(forms.Form):
    """The intake questionnaire. Which questions appear depends on the role and format."""

    motivation = forms.CharField(label=_("Why do you want to take part?"), widget=forms.Textarea(attrs={"rows": 3}))
    hopes = forms.CharField(label=_("What would you like to get out of it?"), widget=forms.Textarea(attrs={"rows": 3}))
    comfort_with_seniors = forms.TypedChoiceField(
        label=_("How comfortable are you speaking openly with senior leaders?"),
        help_text=_("1 = quite nervous, 5 = completely at ease. Honest answers help us support you; it is not an exam."),
        choices=SCALE, coerce=int, widget=ButtonRadios, required=False,
    )  # fmt: skip
    openness_statement = forms.CharField(
        label=_("What are you open to hear from a junior colleague?"),
        help_text=_("e.g. “Unfiltered feedback on how our team works, even if it stings.”"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    time_commitment_confirmed = forms.BooleanField(label="", required=False)
    meeting_mode = forms.ChoiceField(label=_("How would you like to meet?"), choices=Application.MeetingMode.choices, widget=ButtonRadios)
    preferred_times = forms.MultipleChoiceField(
        label=_("When does it usually work for you?"), choices=[], widget=forms.CheckboxSelectMultiple
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you can meet in"),
        choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Tick every language you could hold a meeting in: you are only paired with someone who shares one. "
            "Your profile language is ticked to start with."
        ),
    )
    style_directness = forms.TypedChoiceField(
        label=_("In conversations I am… diplomatic (1) – direct (5)"), choices=SCALE, coerce=int, widget=ButtonRadios, initial=3
    )
    style_structure = forms.TypedChoiceField(
        label=_("I prefer sessions that are… structured (1) – exploratory (5)"), choices=SCALE, coerce=int, widget=ButtonRadios, initial=3
    )
    style_pace = forms.TypedChoiceField(
        label=_("My pace is… steady (1) – fast (5)"), choices=SCALE, coerce=int, widget=ButtonRadios, initial=3
    )
    avoid_people = IdMultipleChoiceField(
        label=_("People you would rather not be matched with (optional, private)"),
        help_text=_(
            "Never shown to anyone, not even HR. The matching engine won't propose such a pair; should HR pair you by hand (they can't see this list), your offer reminds you and you can simply decline."
        ),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 6}),
    )
    generation = forms.ChoiceField(
        label=_("Your generation (optional)"),
        choices=[("", _("I'd rather not say")), *Generation.choices],
        required=False,
        help_text=_(
            "Used only for matching, to pair you with someone of another generation, and never shown to anyone, not even HR. "
            "If you leave it empty and the program pairs across generations, we cannot pair you."
        ),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    voluntary_consent = forms.BooleanField(label=_("I am taking part voluntarily, because I want to."), required=False)
    confidentiality_accepted = forms.BooleanField(label=_("I accept the confidentiality terms above."), required=False)

    def __init__(self, *args, program: Program, user: User, role: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.program, self.user, self.role = program, user, role
        self.fields["preferred_times"].choices = [
            (f"{day}_{part}", f"{day_label} {part_label}") for day, day_label in WEEKDAYS for part, part_label in DAY_PARTS
        ]
        self.fields["avoid_people"].queryset = User.objects.filter(is_active=True).exclude(pk=user.pk).order_by("last_name", "first_name")
        self.fields["time_commitment_confirmed"].label = _(
            "I can block about %(hours)s hours over %(months)s months: %(meetings)s meetings of at least %(minutes)s minutes%(group)s, plus a little preparation."
        ) % {
            "hours": program.time_commitment_hours,
            "months": program.length_months,
            "meetings": program.one_to_one_meetings,
            "minutes": program.min_meeting_minutes,
            "group": (_(" and %(n)s group sessions") % {"n": program.group_sessions}) if program.group_sessions else "",
        }
        self.topics = list(Topic.objects.filter(is_active=True).order_by("category", "name"))
        self.teaches = role == Role.JUNIOR or program.format == Program.Format.PEER_EXCHANGE
        self.learns = role == Role.SENIOR or program.format == Program.Format.PEER_EXCHANGE
        for topic in self.topics:
            if self.teaches:
                self.fields[f"expertise_{topic.pk}"] = forms.ChoiceField(label=topic.name, choices=STRENGTH_EXPERTISE, required=False)
            if self.learns:
                self.fields[f"interest_{topic.pk}"] = forms.ChoiceField(label=topic.name, choices=STRENGTH_INTEREST, required=False)
        if program.format != Program.Format.PEER_EXCHANGE:
            del self.fields["generation"]
        if role == Role.JUNIOR:
            self.fields["comfort_with_seniors"].required = True
        else:
            del self.fields["comfort_with_seniors"]
        if role == Role.SENIOR:
            self.fields["openness_statement"].required = True
        if role != Role.SENIOR:
            del self.fields["openness_statement"]
            del self.fields["time_commitment_confirmed"]

    @classmethod
    def initial_from(cls, application: Application | None, user: User) -> dict:
        if application is None:
            return {
                "languages": [user.language],
                "meeting_mode": Application.MeetingMode.HYBRID,
                "style_directness": 3,
                "style_structure": 3,
                "style_pace": 3,
            }
        initial = {
            name: getattr(application, name)
            for name in (
                "motivation",
                "hopes",
                "comfort_with_seniors",
                "openness_statement",
                "time_commitment_confirmed",
                "meeting_mode",
                "preferred_times",
                "languages",
                "style_directness",
                "style_structure",
                "style_pace",
                "generation",
            )  # fmt: skip
        }
        initial["avoid_people"] = list(application.avoid_people.all())
        for item in application.topics.all():
            prefix = "expertise" if item.kind == "expertise" else "interest"
            initial[f"{prefix}_{item.topic_id}"] = str(item.strength)
        return initial

    def topic_rows(self):
        """(category label, [(topic, expertise field, interest field)]) for the template's table."""
        rows = []
        for value, label in TopicCategory.choices:
            items = [
                (topic, self[f"expertise_{topic.pk}"] if self.teaches else None, self[f"interest_{topic.pk}"] if self.learns else None)
                for topic in self.topics
                if topic.category == value
            ]
            if items:
                rows.append((label, items))
        return rows

    def time_grid(self):
        field = self["preferred_times"]
        chosen = set(field.value() or [])
        return [
            (day_label, [(f"{day}_{part}", part_label, f"{day}_{part}" in chosen) for part, part_label in DAY_PARTS])
            for day, day_label in WEEKDAYS
        ]

    def answers(self) -> ApplicationAnswers:
        data = self.cleaned_data

        def strengths(prefix: str) -> dict[int, int]:
            return {topic.pk: int(data[f"{prefix}_{topic.pk}"]) for topic in self.topics if data.get(f"{prefix}_{topic.pk}")}

        return ApplicationAnswers(
            motivation=data["motivation"],
            hopes=data["hopes"],
            voluntary_consent=data["voluntary_consent"],
            confidentiality_accepted=data["confidentiality_accepted"],
            meeting_mode=data["meeting_mode"],
            preferred_times=list(data["preferred_times"]),
            languages=list(data["languages"]),
            style_directness=data["style_directness"],
            style_structure=data["style_structure"],
            style_pace=data["style_pace"],
            expertise=strengths("expertise") if self.teaches else {},
            interests=strengths("interest") if self.learns else {},
            comfort_with_seniors=data.get("comfort_with_seniors"),
            openness_statement=data.get("openness_statement", ""),
            time_commitment_confirmed=data.get("time_commitment_confirmed", False),
            avoid_people=list(data.get("avoid_people") or []),
            generation=data.get("generation") or "",
        )
