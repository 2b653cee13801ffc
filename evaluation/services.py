"""Check-ins, HR notes, the end-of-program survey and the recommendations register."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from matching.models import Match
from mentoring.models import User
from notifications.services import Message, notify_many
from programs.models import Program, Topic, TopicCategory
from programs.services import register_on_enter

from .models import Answer, Challenge, CheckIn, HRNote, Question, Recommendation, Response, Survey
from .notifications import CHECKIN_REACH_OUT, KUDOS, RECOMMENDATION_ANSWERED, SURVEY_DUE, reach_out_recipients, recommendation_answer_digest
from .selectors import forget_pair_facts, membership, participants, program_month

# Free text has limits even where the column has none (SQLite enforces no length at all, and a
# CharField's max_length would surface on PostgreSQL as a server error instead of a message).
COMMENT_LIMIT = 2000
TEXT_LIMIT = 5000
LARGEST_ID = 2**63 - 1  # bigger numbers are no row of ours (SQLite would overflow on them)


def _length_errors(**fields: tuple[str | None, int | None]) -> dict[str, str]:
    """An error per free-text field (value, limit) longer than its limit once trimmed."""
    return {
        name: _("Please keep it to %(limit)s characters (this has %(length)s).") % {"limit": limit, "length": len((value or "").strip())}
        for name, (value, limit) in fields.items()
        if limit is not None and len((value or "").strip()) > limit
    }


def _whole_number(raw: object) -> int | None:
    """`raw` as an int, or None when it is not a whole number (e.g. "abc", "4.5", a list)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    try:
        return int(str(raw).strip())
    except (TypeError, ValueError):
        return None


# --- check-ins ---------------------------------------------------------------------------------
@transaction.atomic
def checkin_submit(
    *,
    program: Program,
    user: User,
    pulse: int | str | None,
    meetings_as_planned: bool,
    flags: Iterable[str] = (),
    comment: str = "",
    reach_out: bool = False,
) -> CheckIn:
    if program.status != Program.Status.ACTIVE:
        raise ValidationError(_("Check-ins are open while the program is active."))
    member = membership(program=program, user=user)
    if member is None or member.match.status != Match.Status.CONFIRMED:
        raise PermissionDenied(_("Check-ins are for people in a confirmed pair of this program."))
    flags = sorted(set(flags))
    if any(flag not in Challenge.values for flag in flags):
        raise ValidationError({"flags": _("Unknown challenge.")})
    pulse = _whole_number(pulse)
    if pulse is None or not 1 <= pulse <= 5:
        raise ValidationError({"pulse": _("Choose from 1 to 5.")})
    errors = _length_errors(comment=(comment, COMMENT_LIMIT))
    if errors:
        raise ValidationError(errors)
    month = program_month(program=program)
    done = CheckIn.objects.filter(program=program, user=user, month=month)
    already = _("You have already checked in this month. Thank you!")
    if done.exists():
        raise ValidationError(already)
    try:
        with transaction.atomic():  # a savepoint: the same check-in sent twice at once is refused like one sent later
            checkin = CheckIn.objects.create(
                program=program, match=member.match, user=user, month=month, pulse=pulse, meetings_as_planned=meetings_as_planned,
                flags=flags, comment=(comment or "").strip(), reach_out=reach_out,
            )  # fmt: skip
    except IntegrityError:
        if done.exists():  # checkin_once_a_month: the other submit committed first
            raise ValidationError(already) from None
        raise
    # A pair asking HR to reach out shows on the dashboard at once, not after its facts expire.
    transaction.on_commit(lambda: forget_pair_facts(program_id=program.pk))
    if reach_out:  # and the program's coordinators hear it the same day, not in next week's digest
        notify_many(
            Message(uid, CHECKIN_REACH_OUT, f"checkin-reach-out:{checkin.pk}:{uid}", {"checkin_id": checkin.pk}, program.pk)
            for uid in reach_out_recipients(program=program)
        )
    return checkin


def hr_note_add(*, match: Match, author: User, body: str) -> HRNote:
    if not author.is_hr_coordinator:
        raise PermissionDenied(_("HR notes are for coordinators."))
    if not (body or "").strip():
        raise ValidationError({"body": _("Write the note first.")})
    return HRNote.objects.create(match=match, author=author, body=body.strip())


def kudos_send(*, match: Match, by: User, message: str) -> int:
    """Celebrate a success: a short message from HR to every member of the pair."""
    if not by.is_hr_coordinator:
        raise PermissionDenied(_("Kudos come from the coordinators."))
    if not (message or "").strip():
        raise ValidationError({"message": _("Write a line of praise.")})
    message = message.strip()[:500]
    # The same words for the same pair on the same day are one kudos: a double click or a second
    # tab sends nothing more (the outbox's unique dedupe key), other words are another kudos.
    same = f"{hashlib.sha256(message.encode()).hexdigest()[:16]}:{timezone.localdate().isoformat()}"
    return len(
        notify_many(
            Message(m.user_id, KUDOS, f"kudos:{match.pk}:{m.user_id}:{same}", {"match_id": match.pk, "message": message}, match.program_id)
            for m in match.members.all()
        )
    )


# --- the end-of-program survey -----------------------------------------------------------------
BUILT_IN = [
    ("satisfaction", Question.Kind.SCALE, _("Overall, how satisfied are you with the program? (1–5)")),
    ("skills", Question.Kind.TEXT, _("Which concrete skills or insights did you gain?")),
    ("skills_topics", Question.Kind.TOPICS, _("Tag the topics you learned most about")),
    ("relationship", Question.Kind.YESNO, _("Did a real working relationship form?")),
    ("continue", Question.Kind.YESNO, _("Would you like to continue meeting?")),
    ("worked", Question.Kind.TEXT, _("What worked well?")),
    ("change", Question.Kind.TEXT, _("What would you change?")),
]


def _built_in_english() -> list[tuple[str, str, str]]:
    with translation.override(None):
        return [(key, kind, str(text)) for key, kind, text in BUILT_IN]


def survey_prepare(*, program: Program) -> Survey:
    """The program's survey with the built-in questions, created on first call."""
    survey, created = Survey.objects.get_or_create(program=program)
    if created:
        Question.objects.bulk_create(
            [
                # In English, the catalog's msgid: each participant reads it in their language
                # (Question.display_text); questions HR adds stay as written.
                Question(survey=survey, order=index * 10, key=key, kind=kind, text=english, required=kind != Question.Kind.TOPICS)
                for index, (key, kind, english) in enumerate(_built_in_english())
            ]
        )
    return survey


@register_on_enter(Program.Status.EVALUATING)
def _prepare_survey(program: Program) -> None:
    survey_prepare(program=program)


def question_add(*, survey: Survey, kind: str, text: str, choices: Iterable[str] = (), required: bool = True) -> Question:
    if survey.status != Survey.Status.DRAFT:
        raise ValidationError(_("Questions are added before the survey is sent."))
    if kind not in Question.Kind.values:
        raise ValidationError({"kind": _("Unknown question type.")})
    choices = [c.strip() for c in choices if c.strip()]
    if kind == Question.Kind.CHOICE and len(choices) < 2:
        raise ValidationError({"choices": _("A choice question needs at least two options.")})
    if not (text or "").strip():
        raise ValidationError({"text": _("Write the question.")})
    errors = _length_errors(text=(text, Question._meta.get_field("text").max_length))
    if errors:
        raise ValidationError(errors)
    last = survey.questions.order_by("-order").values_list("order", flat=True).first() or 0
    return Question.objects.create(survey=survey, order=last + 10, kind=kind, text=text.strip(), choices=choices, required=required)


@transaction.atomic
def survey_open(*, survey: Survey, by: User) -> Survey:
    if survey.program.status != Program.Status.EVALUATING:
        raise ValidationError(_("The survey opens when the program is being evaluated."))
    if survey.status != Survey.Status.DRAFT:
        raise ValidationError(_("The survey is already %(status)s.") % {"status": survey.get_status_display().lower()})
    survey.status, survey.opened_at, survey.opened_by = Survey.Status.OPEN, timezone.now(), by
    survey.save(update_fields=["status", "opened_at", "opened_by"])
    people = {m.user_id for m in participants(program=survey.program)}
    notify_many(
        Message(uid, SURVEY_DUE, f"survey:{survey.pk}:{uid}", {"program_id": survey.program_id}, survey.program_id) for uid in people
    )
    return survey


@transaction.atomic
def survey_close(*, survey: Survey, by: User) -> Survey:
    """Stop taking answers and release the results to HR.

    Results are shown only from here on, and never change again: figures that moved with every
    answer would let HR subtract one day's from the next and read a single answer.
    """
    if not by.is_hr_coordinator:
        raise PermissionDenied(_("Coordinators close the survey."))
    if not Survey.objects.filter(pk=survey.pk, status=Survey.Status.OPEN).update(status=Survey.Status.CLOSED):
        raise ValidationError(_("Only an open survey can be closed."))
    survey.refresh_from_db()
    return survey


@register_on_enter(Program.Status.CLOSED)
def _close_survey(program: Program) -> None:
    Survey.objects.filter(program=program, status=Survey.Status.OPEN).update(status=Survey.Status.CLOSED)


def _clean_answer(question: Question, raw: Any) -> object | None:
    empty = raw in (None, "", [])
    if empty:
        if question.required:
            raise ValidationError({f"q{question.pk}": _("Please answer this question.")})
        return None
    if question.kind == Question.Kind.SCALE:
        value = _whole_number(raw)
        if value is None or not 1 <= value <= 5:
            raise ValidationError({f"q{question.pk}": _("Choose from 1 to 5.")})
        return value
    if question.kind == Question.Kind.YESNO:
        if raw not in ("yes", "no", True, False):
            raise ValidationError({f"q{question.pk}": _("Answer yes or no.")})
        return raw in ("yes", True)
    if question.kind == Question.Kind.CHOICE:
        if raw not in question.choices:
            raise ValidationError({f"q{question.pk}": _("Choose one of the options.")})
        return str(raw)
    if question.kind == Question.Kind.TOPICS:
        numbers = [_whole_number(v) for v in (raw if isinstance(raw, list | tuple) else [raw])]
        ids = {pk for pk in numbers if pk is not None and 0 < pk <= LARGEST_ID}
        if len(ids) != len(set(numbers)) or Topic.objects.filter(pk__in=ids).count() != len(ids):
            raise ValidationError({f"q{question.pk}": _("Choose topics from the list.")})
        return sorted(ids)
    if question.kind == Question.Kind.TEXT:
        errors = _length_errors(**{f"q{question.pk}": (str(raw), TEXT_LIMIT)})
        if errors:
            raise ValidationError(errors)
    return str(raw).strip()


@transaction.atomic
def response_submit(*, survey: Survey, user: User, answers: Mapping[int, object]) -> Response:
    survey = Survey.objects.select_for_update().select_related("program").get(pk=survey.pk)  # no answer slips in after closing
    if survey.status != Survey.Status.OPEN:
        raise ValidationError(_("The survey is not open."))
    member = next((m for m in participants(program=survey.program) if m.user_id == user.pk), None)
    if member is None:
        raise PermissionDenied(_("The survey is for the program's participants."))
    if Response.objects.filter(survey=survey, user=user).exists():
        raise ValidationError(_("You have already answered. Thank you!"))
    cleaned = {question: _clean_answer(question, answers.get(question.pk)) for question in survey.questions.all()}
    response = Response.objects.create(survey=survey, user=user, role=member.role)
    Answer.objects.bulk_create([Answer(response=response, question=q, value=v) for q, v in cleaned.items() if v is not None])
    return response


# --- recommendations ---------------------------------------------------------------------------
def recommendation_submit(
    *, program: Program, by: User, title: str, description: str, area: str, expected_impact: str, coauthors: Iterable[User] = ()
) -> Recommendation:
    """Juniors propose (alone or with their senior); any participant may co-author."""
    member = membership(program=program, user=by)
    if member is None:
        raise PermissionDenied(_("Recommendations come from the program's participants."))
    if program.status not in {Program.Status.ACTIVE, Program.Status.EVALUATING}:
        raise ValidationError(_("Recommendations are collected while the program runs and is evaluated."))
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("Give it a title.")
    if not (description or "").strip():
        errors["description"] = _("Describe the change you suggest.")
    if area not in TopicCategory.values:
        errors["area"] = _("Choose an area.")
    if expected_impact not in Recommendation.Impact.values:
        errors["expected_impact"] = _("Choose the expected impact.")
    errors.update(_length_errors(title=(title, Recommendation._meta.get_field("title").max_length), description=(description, TEXT_LIMIT)))
    if errors:
        raise ValidationError(errors)
    allowed = {m.user_id for m in participants(program=program)}
    co = [u for u in coauthors if u.pk in allowed and u.pk != by.pk]
    recommendation = Recommendation.objects.create(
        program=program, title=title.strip(), description=description.strip(), area=area, expected_impact=expected_impact, created_by=by
    )
    recommendation.authors.set([by, *co])
    return recommendation


FLOW: dict[str, set[str]] = {
    Recommendation.Status.PROPOSED: {Recommendation.Status.UNDER_REVIEW, Recommendation.Status.DECLINED},
    Recommendation.Status.UNDER_REVIEW: {Recommendation.Status.ADOPTED, Recommendation.Status.DECLINED},
    Recommendation.Status.ADOPTED: set(),
    Recommendation.Status.DECLINED: {Recommendation.Status.UNDER_REVIEW},
}


def recommendation_update(
    *,
    recommendation: Recommendation,
    by: User,
    status: str,
    leadership_response: str = "",
    follow_up_date: datetime.date | None = None,
    outcome: str = "",
) -> Recommendation:
    """Leadership (through HR) answers: proposed → under review → adopted / declined."""
    if not by.is_hr_coordinator:
        raise PermissionDenied(_("Coordinators record leadership's answer."))
    if status not in Recommendation.Status.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    errors = _length_errors(leadership_response=(leadership_response, TEXT_LIMIT), outcome=(outcome, TEXT_LIMIT))
    if errors:
        raise ValidationError(errors)
    if status != recommendation.status and status not in FLOW[recommendation.status]:
        raise ValidationError(
            _("A %(from)s recommendation cannot become %(to)s.")
            % {"from": recommendation.get_status_display().lower(), "to": Recommendation.Status(status).label.lower()}
        )
    if status in {Recommendation.Status.ADOPTED, Recommendation.Status.DECLINED} and not (leadership_response or "").strip():
        raise ValidationError({"leadership_response": _("Record leadership's answer so the authors know why.")})
    if status == Recommendation.Status.ADOPTED and follow_up_date is None:
        raise ValidationError({"follow_up_date": _("An adopted recommendation needs a follow-up date.")})
    before = recommendation_answer_digest(recommendation)
    recommendation.status = status
    recommendation.leadership_response = (leadership_response or "").strip()
    recommendation.follow_up_date = follow_up_date
    recommendation.outcome = (outcome or "").strip()
    recommendation.save()
    answer = recommendation_answer_digest(recommendation)
    if answer != before and status != Recommendation.Status.PROPOSED:
        # The authors hear leadership's answer; the same answer saved twice (a double submit, a
        # second tab) has the same key and is one mail.
        notify_many(
            Message(
                uid,
                RECOMMENDATION_ANSWERED,
                f"recommendation-answered:{recommendation.pk}:{answer}:{uid}",
                {"recommendation_id": recommendation.pk, "answer": answer},
                recommendation.program_id,
            )
            for uid in recommendation.authors.values_list("pk", flat=True)
        )
    return recommendation
