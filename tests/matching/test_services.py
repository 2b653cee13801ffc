"""Runs, constraints, explanations, pin/forbid/manual, approve, answers and re-matching."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from matching.models import Match, MatchingConfig, MatchRun, PairRule
from matching.reasons import render
from matching.services import (
    config_update,
    match_create_manual,
    match_discard,
    match_end,
    match_respond,
    matches_approve,
    matching_run,
    pair_rule_set,
)
from mentoring.models import Level
from programs.models import Program
from programs.services import application_decide, program_transition
from tests.mentoring.factories import UserFactory
from tests.programs.factories import apply

pytestmark = pytest.mark.django_db


def pairs_of(program, *statuses):
    statuses = statuses or (Match.Status.PROPOSED,)
    result = set()
    for match in Match.objects.filter(program=program, status__in=statuses).prefetch_related("members__user"):
        members = {m.role: m.user.email for m in match.members.all()}
        result.add((members["junior"], members["senior"]))
    return result


def test_run_never_pairs_inside_a_reporting_chain_and_explains_every_match(cohort, hr):
    program, people = cohort
    run = matching_run(program=program, by=hr)
    # dev reports (via eng_lead) up the chain: dev may not be paired with eng_lead.
    assert pairs_of(program) == {("dev@acme.test", "plead@acme.test"), ("designer@acme.test", "englead@acme.test")}
    assert (run.matches_made, run.juniors_matched, run.seniors_matched, run.juniors_in_pool) == (2, 2, 2, 2)
    assert run.lowest_score is not None and run.total_score > 0 and run.created_by == hr
    for match in Match.objects.filter(program=program):
        assert match.reasons and match.explanation["components"]
    dev_match = Match.objects.get(members__user=people["dev"])
    assert any(reason.startswith("shares developer experience") for reason in dev_match.reasons)
    assert "different departments" in dev_match.reasons


def test_indirect_chain_in_the_other_direction_is_refused_too(cohort, hr):
    program, people = cohort
    # A junior who *manages* (indirectly) the senior: also one chain.
    boss_junior = UserFactory(email="oddboss@acme.test", level=Level.JUNIOR)
    people["product_lead"].manager = UserFactory(email="mid@acme.test", level=Level.MID, manager=boss_junior)
    people["product_lead"].save()
    Program.objects.filter(pk=program.pk).update(status=Program.Status.RECRUITING)
    application_decide(application=apply(program, boss_junior), decision="accepted", by=hr)
    Program.objects.filter(pk=program.pk).update(status=Program.Status.MATCHING)
    with pytest.raises(ValidationError, match="reporting chain"):
        match_create_manual(program=program, junior=boss_junior, senior=people["product_lead"], by=hr)
    matching_run(program=program, by=hr)
    assert ("oddboss@acme.test", "plead@acme.test") not in pairs_of(program)


def test_unmatched_people_get_a_reason(cohort, hr):
    program, people = cohort
    pair_rule_set(program=program, junior=people["designer"], senior=people["eng_lead"], kind=PairRule.Kind.FORBID, by=hr)
    run = matching_run(program=program, by=hr)
    reasons = {row["name"]: render(row["reason"]) for row in run.unmatched}
    assert reasons == {
        "Dana Design": "every allowed senior was matched with someone else (not enough seniors to go round)",
        "Erin Lead": "no allowed partner: every junior is ruled out (reporting chain or an exclusion)",
    }


def test_private_rather_not_list_is_respected(cohort, hr):
    program, people = cohort
    application = program.applications.get(user=people["designer"])
    application.avoid_people.add(people["eng_lead"])
    matching_run(program=program, by=hr)
    assert ("designer@acme.test", "englead@acme.test") not in pairs_of(program)


def test_level_gap_and_language_are_hard_rules(cohort, hr):
    program, people = cohort
    config_update(
        program=program,
        weights={"topics": 1, "availability": 1, "chemistry": 1, "diversity": 1},
        objective="participation",
        min_level_gap=50,
    )
    run = matching_run(program=program, by=hr)
    # junior(20)→lead(50) is 30 apart: refused; junior→director(60) is 40: refused too.
    assert run.matches_made == 0
    assert all("not enough levels apart" in render(row["reason"]) for row in run.unmatched)
    config_update(program=program, weights={"topics": 45}, objective="participation", min_level_gap=10)
    program.applications.filter(user=people["designer"]).update(languages=["de"])
    matching_run(program=program, by=hr)
    assert not {pair for pair in pairs_of(program) if pair[0] == "designer@acme.test"}


def test_runs_are_reproducible(cohort, hr):
    program, _people = cohort
    first = matching_run(program=program, by=hr)
    first_pairs = pairs_of(program)
    second = matching_run(program=program, by=hr)
    assert first.input_digest == second.input_digest
    assert pairs_of(program) == first_pairs
    assert Match.objects.filter(program=program, status=Match.Status.DISCARDED).count() == 2  # the first run's proposals


def test_pinned_pairs_stay_on_rerun_and_forbidden_ones_never_come_back(cohort, hr):
    program, people = cohort
    pair_rule_set(program=program, junior=people["designer"], senior=people["product_lead"], kind=PairRule.Kind.PIN, by=hr)
    matching_run(program=program, by=hr)
    assert ("designer@acme.test", "plead@acme.test") in pairs_of(program)
    pinned = Match.objects.get(program=program, status=Match.Status.PROPOSED, members__user=people["designer"])
    assert pinned.source == Match.Source.PINNED and pinned.reasons[0] == "pinned by HR"
    config_update(
        program=program,
        weights={"topics": 0, "availability": 0, "chemistry": 0, "diversity": 100},
        objective="participation",
        min_level_gap=10,
    )
    matching_run(program=program, by=hr)
    assert ("designer@acme.test", "plead@acme.test") in pairs_of(program)
    pair_rule_set(program=program, junior=people["designer"], senior=people["product_lead"], kind=PairRule.Kind.FORBID, by=hr)
    assert not pairs_of(program)  # the forbidden proposal is withdrawn at once
    matching_run(program=program, by=hr)
    assert ("designer@acme.test", "plead@acme.test") not in pairs_of(program)


def test_illegal_pin_and_manual_match_are_refused_with_the_reason(cohort, hr):
    program, people = cohort
    with pytest.raises(ValidationError, match="cannot be pinned: they are in one reporting chain"):
        pair_rule_set(program=program, junior=people["dev"], senior=people["eng_lead"], kind=PairRule.Kind.PIN, by=hr)
    with pytest.raises(ValidationError, match="cannot be matched: they are in one reporting chain"):
        match_create_manual(program=program, junior=people["dev"], senior=people["eng_lead"], by=hr)
    with pytest.raises(ValidationError, match="not an accepted senior mentee"):
        match_create_manual(program=program, junior=people["dev"], senior=people["cto"], by=hr)
    assert not Match.objects.exists() and not PairRule.objects.exists()


def test_manual_match_and_busy_people(cohort, hr):
    program, people = cohort
    match = match_create_manual(program=program, junior=people["designer"], senior=people["eng_lead"], by=hr)
    assert match.source == Match.Source.MANUAL and match.reasons[0] == "matched by HR"
    with pytest.raises(ValidationError, match="must be free"):
        match_create_manual(program=program, junior=people["designer"], senior=people["product_lead"], by=hr)


def test_accept_confirm_decline_and_rematch_leave_confirmed_matches_alone(cohort, hr, django_capture_on_commit_callbacks):
    program, people = cohort
    matching_run(program=program, by=hr)
    with django_capture_on_commit_callbacks(execute=True):
        assert matches_approve(program=program, by=hr) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(["dev@acme.test", "plead@acme.test", "designer@acme.test", "englead@acme.test"])
    good = Match.objects.get(members__user=people["dev"])
    bad = Match.objects.get(members__user=people["designer"])
    with django_capture_on_commit_callbacks(execute=True):
        match_respond(match=good, user=people["dev"], accept=True)
        assert Match.objects.get(pk=good.pk).status == Match.Status.APPROVED
        match_respond(match=good, user=people["product_lead"], accept=True)
    assert Match.objects.get(pk=good.pk).status == Match.Status.CONFIRMED
    assert "confirmed" in mail.outbox[-1].subject.lower()
    introduction = mail.outbox[-1].body
    assert "Why you were matched" in introduction and "kickoff" in introduction

    match_respond(match=bad, user=people["eng_lead"], accept=False, reason="We sit next to each other")
    bad.refresh_from_db()
    assert bad.status == Match.Status.DECLINED
    assert bad.members.get(user=people["eng_lead"]).decline_reason == "We sit next to each other"

    # A newcomer gives the freed senior someone else; the confirmed pair is untouched.
    newcomer = UserFactory(email="new@acme.test", level=Level.APPRENTICE)
    Program.objects.filter(pk=program.pk).update(status=Program.Status.RECRUITING)
    application_decide(application=apply(program, newcomer), decision="accepted", by=hr)
    Program.objects.filter(pk=program.pk).update(status=Program.Status.MATCHING)
    run = matching_run(program=program, by=hr)
    assert run.is_rematch and run.juniors_in_pool == 2 and run.seniors_in_pool == 1
    assert pairs_of(program) == {("new@acme.test", "englead@acme.test")}  # never the declined pair again
    assert Match.objects.get(pk=good.pk).status == Match.Status.CONFIRMED


def test_end_a_failed_pair_and_rematch(cohort, hr):
    program, people = cohort
    matching_run(program=program, by=hr)
    matches_approve(program=program, by=hr)
    for match in Match.objects.filter(program=program):
        for member in match.members.all():
            match_respond(match=match, user=member.user, accept=True)
    failed = Match.objects.get(members__user=people["designer"])
    with pytest.raises(ValidationError, match="Say why"):
        match_end(match=failed, by=hr, reason=" ")
    match_end(match=failed, by=hr, reason="Never found time")
    run = matching_run(program=program, by=hr)
    assert run.matches_made == 0 and {row["name"] for row in run.unmatched} == {"Dana Design", "Erin Lead"}
    assert Match.objects.filter(program=program, status=Match.Status.CONFIRMED).count() == 1


def test_only_members_answer_and_only_offered_matches(cohort, hr):
    program, people = cohort
    matching_run(program=program, by=hr)
    match = Match.objects.get(members__user=people["dev"])
    with pytest.raises(ValidationError, match="nothing to answer"):
        match_respond(match=match, user=people["dev"], accept=True)  # not offered yet
    matches_approve(program=program, by=hr)
    with pytest.raises(PermissionDenied, match="This match is not yours"):
        match_respond(match=match, user=people["designer"], accept=True)
    with pytest.raises(PermissionDenied, match="This match is not yours"):
        match_respond(match=match, user=hr, accept=True)
    with pytest.raises(ValidationError, match="not been offered"):
        match_discard(match=match)


def test_matching_only_in_its_phase(hr):
    from tests.programs.factories import tech_program

    program = tech_program(hr=hr, status=Program.Status.RECRUITING)
    with pytest.raises(ValidationError, match="matching phase"):
        matching_run(program=program, by=hr)
    assert not MatchRun.objects.exists()


def test_bad_weights_are_refused(cohort):
    program, _people = cohort
    with pytest.raises(ValidationError, match="At least one weight must be above zero"):
        config_update(
            program=program,
            weights={"topics": 0, "availability": 0, "chemistry": 0, "diversity": 0},
            objective="participation",
            min_level_gap=10,
        )
    with pytest.raises(ValidationError, match="'topics': \\['Weights are whole numbers from 0 to 100"):
        config_update(program=program, weights={"topics": 300}, objective="participation", min_level_gap=10)
    with pytest.raises(ValidationError, match="'topics': \\['Weights are whole numbers from 0 to 100"):
        config_update(program=program, weights={"topics": "lots"}, objective="participation", min_level_gap=10)
    with pytest.raises(ValidationError, match="'objective': \\['Unknown objective"):
        config_update(program=program, weights={"topics": 10}, objective="fastest", min_level_gap=10)
    assert not MatchingConfig.objects.filter(program=program).exists()  # nothing half-saved


def test_activation_needs_a_confirmed_match_and_reopening_needs_no_offers(cohort, hr):
    program, people = cohort
    with pytest.raises(ValidationError, match="confirmed match"):
        program_transition(program=program, to_status=Program.Status.ACTIVE, by=hr)
    matching_run(program=program, by=hr)
    matches_approve(program=program, by=hr)
    with pytest.raises(ValidationError, match="offered already"):
        program_transition(program=program, to_status=Program.Status.RECRUITING, by=hr)


def test_group_format_forms_groups_within_limits(hr):
    _group_program(hr)


def _group_program(hr):
    from programs.services import program_update
    from tests.programs.factories import tech_program

    program = tech_program(hr=hr, status=Program.Status.RECRUITING)
    program_update(program=program, data={"format": Program.Format.GROUP})
    juniors = [UserFactory(level=Level.JUNIOR) for _ in range(7)]
    seniors = [UserFactory(level=Level.DIRECTOR) for _ in range(3)]
    for person in juniors + seniors:
        application_decide(application=apply(program, person), decision="accepted", by=hr)
    program_transition(program=program, to_status=Program.Status.MATCHING, by=hr)
    run = matching_run(program=program, by=hr)
    assert run.algorithm.startswith("groups") and run.proven_optimal and run.optimality_gap == 0.0
    groups = list(Match.objects.filter(program=program, status=Match.Status.PROPOSED).prefetch_related("members"))
    assert len(groups) == 2 and run.juniors_matched == 7
    for group in groups:
        roles = [m.role for m in group.members.all()]
        assert 3 <= roles.count("junior") <= 4 and 1 <= roles.count("senior") <= 2
        assert group.reasons
    return program, juniors, seniors


def test_a_pin_in_a_group_program_keeps_the_two_in_one_group(hr):
    program, juniors, seniors = _group_program(hr)
    pair_rule_set(program=program, junior=juniors[6], senior=seniors[2], kind="pin", by=hr)
    pair_rule_set(program=program, junior=juniors[5], senior=seniors[0], kind="pin", by=hr)
    run = matching_run(program=program, by=hr)
    assert run.juniors_matched == 7  # a pin is not a reason to leave anyone out (the old run dropped both)
    groups = {
        match.pk: ({m.user_id for m in match.members.all()}, match) for match in Match.objects.filter(run=run).prefetch_related("members")
    }
    for junior, senior in ((juniors[6], seniors[2]), (juniors[5], seniors[0])):
        (members, match) = next(entry for entry in groups.values() if junior.pk in entry[0])
        assert senior.pk in members
        assert match.source == Match.Source.PINNED
        assert any(reason.startswith(f"{junior.get_full_name()}: pinned by HR") for reason in match.reasons)
