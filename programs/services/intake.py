"""Invitations and applications: how volunteers get into a program.

Nobody is enrolled by someone else. HR invites or opens a call; only the person's own
submitted application (with their consent) puts them into the program.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mentoring.models import User
from notifications.services import Message, notify, notify_many

from ..models import TIME_SLOTS, Application, ApplicationCorrection, ApplicationTopic, Generation, Invitation, Program, Role, Topic
from ..notifications import APPLICATION_DECIDED, APPLICATION_RECEIVED, INVITATION
from .programs import ensure_editable

DECISIONS = {Application.Status.ACCEPTED, Application.Status.WAITLISTED, Application.Status.DECLINED}


# --- invitations ---------------------------------------------------------------------------
@dataclass
class InviteResult:
    invited: list[Invitation] = field(default_factory=list)
    skipped: list[tuple[User, str]] = field(default_factory=list)


def invitations_send(*, program: Program, people: Iterable[User], invited_by: User, message: str = "") -> InviteResult:
    """Invite people to apply. Ineligible, inactive, already invited or applied people are skipped with a reason.

    The program is locked (as `application_submit` locks it) before anyone is looked up, so the
    same person invited twice at once is invited once and skipped once as already invited.
    """
    people = list(people)
    result = InviteResult()
    with transaction.atomic():
        program = Program.objects.select_for_update().get(pk=program.pk)
        ensure_editable(program)
        if program.status != Program.Status.RECRUITING:
            raise ValidationError(_("Invitations can be sent while the program is recruiting."))
        already_invited = set(program.invitations.filter(user__in=people).values_list("user_id", flat=True))
        already_applied = set(program.applications.filter(user__in=people).values_list("user_id", flat=True))
        for person in people:
            if not person.is_active:
                result.skipped.append((person, _("no longer active")))
            elif person.pk in already_applied:
                result.skipped.append((person, _("has already applied")))
            elif person.pk in already_invited:
                result.skipped.append((person, _("is already invited")))
            elif program.role_for_level(person.level) is None:
                result.skipped.append((person, _("level %(level)s is not eligible") % {"level": person.get_level_display()}))
            else:
                result.invited.append(Invitation(program=program, user=person, invited_by=invited_by, message=message.strip()))
        Invitation.objects.bulk_create(result.invited)
        notify_many(
            Message(invitation.user_id, INVITATION, f"invitation:{invitation.pk}", {"invitation_id": invitation.pk}, program.pk)
            for invitation in result.invited
        )
    return result


def invitation_respond(*, invitation: Invitation, user: User, accept: bool, reason: str = "") -> Invitation:
    """The invitee accepts (and goes on to apply) or declines, optionally saying why."""
    if invitation.user_id != user.pk:
        raise PermissionDenied(_("This invitation is for someone else."))
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().select_related("program").get(pk=invitation.pk)
        if accept and not invitation.program.accepts_applications:
            raise ValidationError(_("This program no longer takes applications."))
        if invitation.status == Invitation.Status.ACCEPTED and accept:
            return invitation
        if invitation.status != Invitation.Status.PENDING and not (accept and invitation.status == Invitation.Status.DECLINED):
            raise ValidationError(_("You have already answered this invitation."))
        invitation.status = Invitation.Status.ACCEPTED if accept else Invitation.Status.DECLINED
        invitation.decline_reason = "" if accept else (reason or "").strip()
        invitation.responded_at = timezone.now()
        invitation.save(update_fields=["status", "decline_reason", "responded_at"])
    return invitation


# --- applications --------------------------------------------------------------------------
@dataclass
class ApplicationAnswers:
    """What a person states in their application (already validated field by field by the form)."""

    motivation: str
    hopes: str
    voluntary_consent: bool
    confidentiality_accepted: bool
    meeting_mode: str
    preferred_times: list[str]
    languages: list[str]
    style_directness: int
    style_structure: int
    style_pace: int
    expertise: dict[int, int] = field(default_factory=dict)  # topic id → confidence 1..3
    interests: dict[int, int] = field(default_factory=dict)  # topic id → priority 1..3
    comfort_with_seniors: int | None = None
    openness_statement: str = ""
    time_commitment_confirmed: bool = False
    avoid_people: list[User] = field(default_factory=list)
    generation: str = ""  # peer exchange only; blank: not stated


def application_role(*, program: Program, user: User) -> str:
    role = program.role_for_level(user.level)
    if role is None:
        raise ValidationError(
            _("This program is for junior mentors up to %(junior)s and senior mentees from %(senior)s; your level is %(level)s.")
            % {
                "junior": program.get_junior_max_level_display(),
                "senior": program.get_senior_min_level_display(),
                "level": user.get_level_display(),
            }
        )
    return role


def may_apply(*, program: Program, user: User) -> Invitation | None:
    """Raise unless `user` may apply to `program`; return their invitation, if any."""
    if not program.accepts_applications:
        raise ValidationError(_("This program is not taking applications."))
    application_role(program=program, user=user)
    invitation = program.invitations.filter(user=user).first()
    if not program.open_for_applications and invitation is None:
        raise PermissionDenied(_("This program is by invitation only."))
    return invitation


def _check_answers(*, program: Program, role: str, answers: ApplicationAnswers, user: User) -> None:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not answers.voluntary_consent:
        add("voluntary_consent", _("You can only take part if you want to: please confirm you are volunteering."))
    if not answers.confidentiality_accepted:
        add("confidentiality_accepted", _("Please accept the confidentiality terms."))
    if not answers.motivation.strip():
        add("motivation", _("Tell us why you want to take part."))
    if not answers.hopes.strip():
        add("hopes", _("Tell us what you hope to get out of it."))
    if not answers.languages:
        add("languages", _("Choose at least one language you can meet in."))
    if any(slot not in TIME_SLOTS for slot in answers.preferred_times):
        add("preferred_times", _("Unknown time slot."))
    if not answers.preferred_times:
        add("preferred_times", _("Choose at least one time that usually works for you."))
    teaches = role == Role.JUNIOR or program.format == Program.Format.PEER_EXCHANGE
    learns = role == Role.SENIOR or program.format == Program.Format.PEER_EXCHANGE
    if teaches and not answers.expertise:
        add("expertise", _("Choose at least one topic you can share."))
    if learns and not answers.interests:
        add("interests", _("Choose at least one topic you want to learn about."))
    if role == Role.JUNIOR and answers.comfort_with_seniors is None:
        add("comfort_with_seniors", _("Please rate how comfortable you are speaking openly with senior leaders."))
    if role == Role.SENIOR:
        if not answers.time_commitment_confirmed:
            add("time_commitment_confirmed", _("Please confirm you can block the time this program needs."))
        if not answers.openness_statement.strip():
            add("openness_statement", _("A sentence on what you are open to hear helps your junior mentor."))
    topic_ids = set(answers.expertise) | set(answers.interests)
    if topic_ids and Topic.objects.filter(pk__in=topic_ids, is_active=True).count() != len(topic_ids):
        add("expertise", _("One of the chosen topics no longer exists."))
    if any(strength not in {1, 2, 3} for strength in [*answers.expertise.values(), *answers.interests.values()]):
        add("expertise", _("Use the scale from 1 to 3."))
    if answers.generation and answers.generation not in Generation.values:
        add("generation", _("Unknown generation."))
    if any(person.pk == user.pk for person in answers.avoid_people):
        add("avoid_people", _("You cannot exclude yourself."))
    if errors:
        raise ValidationError(errors)


def _write_answers(application: Application, answers: ApplicationAnswers, role: str) -> None:
    application.role = role
    for name in (
        "motivation", "hopes", "voluntary_consent", "confidentiality_accepted", "meeting_mode", "preferred_times",
        "languages", "style_directness", "style_structure", "style_pace", "openness_statement", "time_commitment_confirmed",
    ):  # fmt: skip
        setattr(application, name, getattr(answers, name))
    application.comfort_with_seniors = answers.comfort_with_seniors if role == Role.JUNIOR else None
    if role == Role.JUNIOR:
        application.openness_statement, application.time_commitment_confirmed = "", False
    # Asked, and so kept, only where matching uses it.
    application.generation = answers.generation if application.program.format == Program.Format.PEER_EXCHANGE else ""
    application.full_clean(exclude=["program", "user", "invitation", "decided_by"])
    application.save()
    application.topics.all().delete()
    rows = [
        ApplicationTopic(application=application, topic_id=pk, kind=ApplicationTopic.Kind.EXPERTISE, strength=v)
        for pk, v in answers.expertise.items()
    ]
    rows += [
        ApplicationTopic(application=application, topic_id=pk, kind=ApplicationTopic.Kind.INTEREST, strength=v)
        for pk, v in answers.interests.items()
    ]
    ApplicationTopic.objects.bulk_create(rows)
    application.avoid_people.set(answers.avoid_people)


def application_submit(*, program: Program, user: User, answers: ApplicationAnswers) -> Application:
    """The person applies for themselves. A withdrawn application may be submitted again."""
    with transaction.atomic():
        program = Program.objects.select_for_update().get(pk=program.pk)
        invitation = may_apply(program=program, user=user)
        role = application_role(program=program, user=user)
        existing = program.applications.filter(user=user).first()
        if existing is not None and existing.status != Application.Status.WITHDRAWN:
            raise ValidationError(_("You have already applied to this program; you can edit your application instead."))
        _check_answers(program=program, role=role, answers=answers, user=user)
        application = existing or Application(program=program, user=user)
        application.status = Application.Status.SUBMITTED
        application.submitted_at = timezone.now()
        application.withdrawn_at = None
        application.hr_message, application.decided_by, application.decided_at = "", None, None
        application.invitation = invitation
        _write_answers(application, answers, role)
        if invitation is not None and invitation.status != Invitation.Status.ACCEPTED:
            invitation.status = Invitation.Status.ACCEPTED
            invitation.responded_at = timezone.now()
            invitation.save(update_fields=["status", "responded_at"])
        notify(
            recipient=user,
            kind=APPLICATION_RECEIVED,
            dedupe_key=f"application-received:{application.pk}:{application.submitted_at.timestamp()}",
            context={"application_id": application.pk},
            program=program,
        )
    return application


# matching.models.Match.Status values of a pair that is still on (matching is a higher layer).
_LIVE_MATCH_STATUSES = ("proposed", "approved", "confirmed", "paused")


def application_editable(*, application: Application) -> bool:
    """The person may change their answers while recruiting, and during matching until they
    are in a pair (proposed, offered or confirmed): a fact like a forgotten language can be
    fixed before HR pairs them by hand."""
    if not application.is_open:
        return False
    program = application.program
    if program.status == Program.Status.RECRUITING:
        return True
    if program.status != Program.Status.MATCHING:
        return False
    return not application.user.match_memberships.filter(match__program=program, match__status__in=_LIVE_MATCH_STATUSES).exists()


def application_update(*, application: Application, user: User, answers: ApplicationAnswers) -> Application:
    if application.user_id != user.pk:
        raise PermissionDenied(_("This is someone else's application."))
    with transaction.atomic():
        application = Application.objects.select_for_update().select_related("program").get(pk=application.pk)
        program = application.program
        if not application.is_open:
            raise ValidationError(_("A %(status)s application cannot be changed.") % {"status": application.get_status_display().lower()})
        if not application_editable(application=application):
            raise ValidationError(_("Applications can be changed until you are matched; ask HR to correct a fact after that."))
        role = application_role(program=program, user=user)
        _check_answers(program=program, role=role, answers=answers, user=user)
        _write_answers(application, answers, role)
    return application


def application_withdraw(*, application: Application, user: User) -> Application:
    """The person steps back, at any time and without giving a reason."""
    if application.user_id != user.pk:
        raise PermissionDenied(_("This is someone else's application."))
    with transaction.atomic():
        application = Application.objects.select_for_update().select_related("program").get(pk=application.pk)
        ensure_editable(application.program)
        if application.status == Application.Status.WITHDRAWN:
            raise ValidationError(_("This application is already withdrawn."))
        application.status = Application.Status.WITHDRAWN
        application.withdrawn_at = timezone.now()
        application.save(update_fields=["status", "withdrawn_at", "updated_at"])
    return application


def application_decide(*, application: Application, decision: str, by: User, message: str = "") -> Application:
    """HR accepts, waitlists or declines an application and tells the applicant."""
    if decision not in DECISIONS:
        raise ValidationError(_("Unknown decision."))
    with transaction.atomic():
        application = Application.objects.select_for_update().select_related("program", "user").get(pk=application.pk)
        program = application.program
        ensure_editable(program)
        if program.status not in {Program.Status.RECRUITING, Program.Status.MATCHING}:
            raise ValidationError(_("Applications are decided while the program is recruiting or matching."))
        if application.status == Application.Status.WITHDRAWN:
            raise ValidationError(_("%(name)s has withdrawn this application.") % {"name": application.user.get_full_name()})
        if application.status == decision:
            return application
        application.status = decision
        application.hr_message = (message or "").strip()
        application.decided_by = by
        application.decided_at = timezone.now()
        application.save(update_fields=["status", "hr_message", "decided_by", "decided_at", "updated_at"])
        notify(
            recipient=application.user,
            kind=APPLICATION_DECIDED,
            dedupe_key=f"application-decided:{application.pk}:{decision}:{application.decided_at.timestamp()}",
            context={"application_id": application.pk},
            program=program,
        )
    return application


def applications_decide_bulk(*, applications: Iterable[Application], decision: str, by: User, message: str = "") -> tuple[int, list[str]]:
    """Decide many at once: all that can be decided are, the rest are reported by name."""
    decided, problems = 0, []
    with transaction.atomic():
        for application in applications:
            try:
                before = application.status
                if application_decide(application=application, decision=decision, by=by, message=message).status != before:
                    decided += 1
            except ValidationError as exc:
                problems.append(f"{application.user.get_full_name()}: {' '.join(exc.messages)}")
    return decided, problems


def application_correct_languages(
    *, application: Application, by: User, languages: list[str], person_agreed: bool, agreement_note: str = ""
) -> Application:
    """HR corrects the languages someone can meet in, with the person's agreement recorded, also
    after matching started (so a pair the languages blocked can then be formed)."""
    known = {code for code, _name in settings.LANGUAGES}
    errors: dict[str, list[str]] = {}
    if not person_agreed:
        errors["person_agreed"] = [_("Change someone's application only with their agreement: confirm that they agreed.")]
    if not languages:
        errors["languages"] = [_("Choose at least one language they can meet in.")]
    elif any(code not in known for code in languages):
        errors["languages"] = [_("Unknown language.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        application = Application.objects.select_for_update().select_related("program").get(pk=application.pk)
        ensure_editable(application.program)
        if not application.is_open:
            raise ValidationError(_("A %(status)s application cannot be changed.") % {"status": application.get_status_display().lower()})
        before = list(application.languages)
        after = [code for code, _name in settings.LANGUAGES if code in set(languages)]
        if before == after:
            return application
        application.languages = after
        application.save(update_fields=["languages", "updated_at"])
        ApplicationCorrection.objects.create(
            application=application,
            changed_by=by,
            field="languages",
            before=before,
            after=after,
            person_agreed=True,
            agreement_note=agreement_note.strip()[:300],
        )
    return application
