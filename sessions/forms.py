from django import forms
from django.utils.translation import gettext_lazy as _

from mentoring.web import IdChoiceField, pk_from

from .models import Meeting, Note, TimeOption


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs={"class": "form-control", **(attrs or {})}, format="%Y-%m-%dT%H:%M")


class ProposeForm(forms.Form):
    option_1 = forms.DateTimeField(label=_("Time 1"), widget=DateTimeInput)
    option_2 = forms.DateTimeField(label=_("Time 2 (optional)"), required=False, widget=DateTimeInput)
    option_3 = forms.DateTimeField(label=_("Time 3 (optional)"), required=False, widget=DateTimeInput)
    duration_minutes = forms.IntegerField(label=_("Length (minutes)"), min_value=1, max_value=480)
    location = forms.CharField(label=_("Location"), required=False, max_length=200)
    video_link = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")

    def options(self):
        return [self.cleaned_data[name] for name in ("option_1", "option_2", "option_3") if self.cleaned_data.get(name)]


class RescheduleForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("New time"), widget=DateTimeInput)
    duration_minutes = forms.IntegerField(label=_("Length (minutes)"), min_value=1, max_value=480)
    location = forms.CharField(label=_("Location"), required=False, max_length=200)
    video_link = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why?"), max_length=1000)


class LogForm(forms.Form):
    held = forms.TypedChoiceField(
        label=_("Did the meeting take place?"), choices=[("1", _("Yes")), ("0", _("No, it was missed"))], coerce=lambda v: v == "1"
    )
    actual_minutes = forms.IntegerField(label=_("How long did you meet (minutes)?"), required=False, min_value=1, max_value=600)
    shared = forms.CharField(label=_("What I shared"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    learned = forms.CharField(label=_("What I learned"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": _("Write something first.")}
    )
    visibility = forms.ChoiceField(label=_("Visible to"), choices=Note.Visibility.choices)
    meeting = forms.CharField(required=False, widget=forms.HiddenInput)  # the pair's meeting the note is about, if any
    next = forms.CharField(required=False, widget=forms.HiddenInput)  # the page to go back to; checked by the view

    def __init__(self, *args, match=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.match = match

    def clean_meeting(self) -> Meeting | None:
        """The pair's meeting, or None: a note that names no meeting of this pair (stale, or
        tampered with) is still the author's note, only not tied to a meeting."""
        pk = pk_from(self.cleaned_data["meeting"])
        return self.match.meetings.filter(pk=pk).first() if pk and self.match is not None else None


class ConfirmTimeForm(forms.Form):
    """The time a participant picks from those their partner offered."""

    option = IdChoiceField(
        queryset=TimeOption.objects.none(),
        error_messages=dict.fromkeys(("required", "invalid_choice"), _("Pick one of the offered times.")),
    )

    def __init__(self, *args, meeting: Meeting, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["option"].queryset = meeting.options.all()


class ActionItemForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=300)
    owner = forms.IntegerField(widget=forms.HiddenInput, required=False)
    due_date = forms.DateField(label=_("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
