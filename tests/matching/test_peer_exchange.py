"""Peer exchange as general matching: one pool, every rule both ways, pairs oriented by level,
who teaches what both ways, HR's manual pairs and pins, the settings and the query budget."""

import datetime
import random

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from matching.bench import _build
from matching.forms import ConfigForm
from matching.models import Match, MatchingConfig, PairRule
from matching.problem import load_problem
from matching.reasons import render
from matching.services import config_for, config_update, match_create_manual, matching_run, pair_rule_set
from mentoring.models import Level
from programs.forms import ApplicationForm
from programs.models import Application, Program, Role
from programs.services import application_decide, program_create_from_template, program_transition
from tests.budgets import assert_flat, measure
from tests.matching.factories import MatchFactory
from tests.mentoring.factories import UserFactory
from tests.programs.factories import apply, topic

pytestmark = pytest.mark.django_db

AI, DEVX, REMOTE, LEAD = "AI and automation", "Developer experience", "Remote work best practices", "Modern leadership expectations"


def peer_program(hr, *, partners: str = MatchingConfig.PeerPartners.LEVEL, gap: int = 10) -> Program:
    program = program_create_from_template(
        template_key="peer",
        created_by=hr,
        data={"start_date": timezone.localdate() + datetime.timedelta(days=14), "open_for_applications": True},
    )
    program_transition(program=program, to_status=Program.Status.RECRUITING, by=hr)
    config = config_for(program)
    config.peer_partners, config.min_level_gap = partners, gap
    config.save()
    program.refresh_from_db()
    return program


def volunteer(program, hr, name: str, level: int, *, teaches=(AI,), learns=(DEVX,), **overrides):
    first, _sep, last = name.partition(" ")
    person = UserFactory(first_name=first, last_name=last or "Peer", level=level, department=overrides.pop("department", None))
    if "manager" in overrides:
        person.manager = overrides.pop("manager")
        person.save(update_fields=["manager"])
    application = apply(
        program,
        person,
        expertise={topic(name).pk: 3 for name in teaches},
        interests={topic(name).pk: 3 for name in learns},
        **overrides,
    )
    application_decide(application=application, decision="accepted", by=hr)
    return person


def to_matching(program) -> Program:
    # A pool of one stored role cannot pass the one-to-one guard: the status alone matters here.
    Program.objects.filter(pk=program.pk).update(status=Program.Status.MATCHING)
    program.refresh_from_db()
    return program


def pairs_of(run) -> set[frozenset[int]]:
    return {frozenset(m.members.values_list("user_id", flat=True)) for m in Match.objects.filter(run=run)}


def reasons_of(run) -> dict[int, str]:
    return {row["user_id"]: render(row["reason"]) for row in run.unmatched}


def two(hr, *, partners=MatchingConfig.PeerPartners.LEVEL, gap=10, a=None, b=None):
    """A pool of two: Ana (apprentice) and Ben (senior), each teaching what the other wants."""
    program = peer_program(hr, partners=partners, gap=gap)
    ana = volunteer(program, hr, "Ana Apprentice", Level.APPRENTICE, teaches=(AI,), learns=(DEVX,), **(a or {}))
    ben = volunteer(program, hr, "Ben Senior", Level.SENIOR, teaches=(DEVX,), learns=(AI,), **(b or {}))
    return to_matching(program), ana, ben


def test_the_pool_is_everyone_and_two_juniors_may_pair(hr):
    """Two stored juniors and two stored seniors, each pair fitting the other by topic: a
    one-to-one program could only cross roles; peer exchange pairs the best fits."""
    program = peer_program(hr)
    ana = volunteer(program, hr, "Ana A", Level.APPRENTICE, teaches=(AI,), learns=(REMOTE,))
    cem = volunteer(program, hr, "Cem C", Level.MID, teaches=(REMOTE,), learns=(AI,))
    dora = volunteer(program, hr, "Dora D", Level.LEAD, teaches=(LEAD,), learns=(DEVX,))
    eli = volunteer(program, hr, "Eli E", Level.EXECUTIVE, teaches=(DEVX,), learns=(LEAD,))
    assert {a.role for a in Application.objects.filter(program=program)} == {Role.JUNIOR, Role.SENIOR}
    problem = load_problem(program, config=config_for(program))
    assert len(problem.juniors) == 4 and problem.juniors is problem.seniors
    assert (problem.scores == problem.scores.T).all()
    run = matching_run(program=to_matching(program), by=hr)
    assert pairs_of(run) == {frozenset({ana.pk, cem.pk}), frozenset({dora.pk, eli.pk})}
    assert run.proven_optimal and run.optimality_gap == 0.0 and run.unmatched == []
    assert run.algorithm.startswith("peer: blossom")
    assert "blossom" in run.method_description
    # Oriented by level: the lower one is stored as the junior, whatever their applications say.
    assert Match.objects.get(run=run, members__user=ana).members.get(user=ana).role == Role.JUNIOR
    assert Match.objects.get(run=run, members__user=cem).members.get(user=cem).role == Role.SENIOR
    assert Match.objects.get(run=run, members__user=dora).members.get(user=dora).role == Role.JUNIOR


def test_each_pair_says_who_teaches_what_both_ways(hr):
    program, ana, ben = two(hr)
    run = matching_run(program=program, by=hr)
    match = Match.objects.get(run=run)
    assert match.reasons[:2] == [
        "Ana Apprentice shares AI and automation with Ben Senior",
        "Ben Senior shares developer experience with Ana Apprentice",
    ]
    assert "both prefer Tuesday mornings" in match.reasons  # the usual reasons follow
    assert match.explanation["teaches"] == [
        {"from": ana.pk, "to": ben.pk, "topics": [AI]},
        {"from": ben.pk, "to": ana.pk, "topics": [DEVX]},
    ]
    assert set(match.explanation["components"]) == {"topics", "availability", "chemistry", "diversity"}


def test_the_participants_page_shows_who_teaches_what(hr, client):
    program, ana, ben = two(hr)
    matching_run(program=program, by=hr)
    match = Match.objects.get(program=program)
    Match.objects.filter(pk=match.pk).update(status=Match.Status.APPROVED)
    client.force_login(ana)
    page = client.get(reverse("matching:my_match", args=[match.pk])).content.decode()
    assert "Who teaches what" in page
    assert "You share AI and automation with Ben Senior." in page
    assert "Ben Senior shares Developer experience with you." in page
    assert "both teach and both learn" in page


@pytest.mark.parametrize("direction", ["lower reports to higher", "higher reports to lower"])
def test_a_reporting_chain_in_either_direction_keeps_two_apart(hr, direction):
    boss = UserFactory(level=Level.EXECUTIVE)
    if direction == "lower reports to higher":
        program, ana, ben = two(hr, b={"manager": boss})
        ana.manager = ben
        ana.save(update_fields=["manager"])
    else:
        program, ana, ben = two(hr, a={"manager": boss})
        ben.manager = boss
        ben.save(update_fields=["manager"])
        boss.manager = ana
        boss.save(update_fields=["manager"])  # ana manages ben's manager: a chain of depth 2
    run = matching_run(program=program, by=hr)
    assert run.matches_made == 0
    assert set(reasons_of(run).values()) == {"no allowed partner: everyone else is ruled out (reporting chain or an exclusion)"}


@pytest.mark.parametrize("order", ["as stored", "reversed"])
def test_an_hr_forbid_rule_in_either_order_keeps_two_apart(hr, order):
    program, ana, ben = two(hr)
    first, second = (ana, ben) if order == "as stored" else (ben, ana)
    PairRule.objects.create(program=program, junior=first, senior=second, kind=PairRule.Kind.FORBID, created_by=hr)
    assert matching_run(program=program, by=hr).matches_made == 0


@pytest.mark.parametrize("status", [Match.Status.DECLINED, Match.Status.ENDED])
def test_an_earlier_declined_or_ended_pair_is_not_proposed_again(hr, status):
    program, ana, ben = two(hr)
    MatchFactory(program=program, junior=ben, senior=ana, status=status)  # stored the other way round
    run = matching_run(program=program, by=hr)
    assert run.matches_made == 0


@pytest.mark.parametrize("who", ["ana", "ben"])
def test_a_private_list_in_either_direction_steers_and_is_never_revealed(hr, who):
    program, ana, ben = two(hr)
    listing, listed = (ana, ben) if who == "ana" else (ben, ana)
    Application.objects.get(program=program, user=listing).avoid_people.add(listed)
    run = matching_run(program=program, by=hr)
    assert run.matches_made == 0
    reasons = set(reasons_of(run).values())
    # The same words as a reporting chain: nothing tells HR a private list exists.
    assert reasons == {"no allowed partner: everyone else is ruled out (reporting chain or an exclusion)"}
    assert not any(word in reason.lower() for reason in reasons for word in ("rather", "private", "list", "prefer"))
    # HR may still pair them by hand: refusing would give the list away.
    match = match_create_manual(program=program, junior=ana, senior=ben, by=hr)
    assert match.source == Match.Source.MANUAL


def test_a_shared_language_is_needed(hr):
    program, ana, ben = two(hr, a={"languages": ["en"]}, b={"languages": ["de"]})
    run = matching_run(program=program, by=hr)
    assert run.matches_made == 0
    assert set(reasons_of(run).values()) == {"no allowed partner: everyone else is without a shared language"}


def test_the_level_gap_rule(hr):
    program = peer_program(hr, gap=30)
    ana = volunteer(program, hr, "Ana A", Level.APPRENTICE)
    jo = volunteer(program, hr, "Jo J", Level.MID)
    lea = volunteer(program, hr, "Lea L", Level.LEAD)
    eli = volunteer(program, hr, "Eli E", Level.EXECUTIVE)
    # At least 3 levels apart: only Ana–Lea, Ana–Eli and Jo–Eli; two pairs only one way.
    run = matching_run(program=to_matching(program), by=hr)
    assert pairs_of(run) == {frozenset({ana.pk, lea.pk}), frozenset({jo.pk, eli.pk})}

    program = peer_program(hr, gap=20)
    volunteer(program, hr, "Ann A", Level.APPRENTICE)
    volunteer(program, hr, "Jon J", Level.JUNIOR)  # one level above Ann: too close
    lars = volunteer(program, hr, "Lars L", Level.LEAD)  # fits both, pairs with one
    run = matching_run(program=to_matching(program), by=hr)
    assert run.matches_made == 1 and lars.pk in next(iter(pairs_of(run)))
    assert list(reasons_of(run).values()) == [
        "every allowed partner was paired with someone else (an odd number, or too few fitting partners)"
    ]

    program, ana, ben = two(hr, gap=40)  # apprentice and senior are 3 levels apart
    run = matching_run(program=program, by=hr)
    assert set(reasons_of(run).values()) == {"no allowed partner: everyone else is not enough levels apart"}
    program, ana, ben = two(hr, gap=0)
    assert matching_run(program=program, by=hr).matches_made == 1


def test_orientation_ties_go_by_the_applications_role_then_the_user_id(hr):
    program = peer_program(hr, gap=0)
    first = volunteer(program, hr, "First Mid", Level.MID)
    second = volunteer(program, hr, "Second Mid", Level.MID)
    run = matching_run(program=to_matching(program), by=hr)
    match = Match.objects.get(run=run)
    assert match.members.get(user=first).role == Role.JUNIOR and match.members.get(user=second).role == Role.SENIOR
    problem = load_problem(program, config=config_for(program))
    assert problem.orient(1, 0) == (0, 1)
    problem.roles = [Role.SENIOR, Role.JUNIOR]  # the application's role comes before the id
    assert problem.orient(0, 1) == (1, 0)


def test_the_generation_rule(hr):
    partners = MatchingConfig.PeerPartners.GENERATION
    program, ana, ben = two(hr, partners=partners, gap=60, a={"generation": "gen_z"}, b={"generation": "gen_x"})
    assert matching_run(program=program, by=hr).matches_made == 1  # levels no longer matter
    program, ana, ben = two(hr, partners=partners, a={"generation": "gen_x"}, b={"generation": "gen_x"})
    run = matching_run(program=program, by=hr)
    assert run.matches_made == 0
    assert set(reasons_of(run).values()) == {"no allowed partner: everyone else is of the same generation or without a stated one"}
    program, ana, ben = two(hr, partners=partners, a={"generation": "gen_z"})
    run = matching_run(program=program, by=hr)
    assert run.matches_made == 0
    reasons = reasons_of(run)
    assert reasons[ben.pk].startswith("did not state a generation")
    assert reasons[ana.pk] == "no allowed partner: everyone else is of the same generation or without a stated one"
    assert "gen_z" not in str(run.unmatched) and "Gen Z" not in str(run.unmatched)
    with pytest.raises(ValidationError, match="Ben Senior stated none"):
        match_create_manual(program=program, junior=ana, senior=ben, by=hr)


def test_generation_is_asked_and_kept_only_in_peer_exchange(hr, junior, client):
    program = peer_program(hr)
    form = ApplicationForm(program=program, user=junior, role=Role.JUNIOR)
    assert "generation" in form.fields and "never shown" in str(form.fields["generation"].help_text)
    client.force_login(junior)
    page = client.get(reverse("programs:apply", args=[program.pk])).content.decode()
    assert 'name="generation"' in page and "Used only for matching" in page
    person = volunteer(program, hr, "Gen Person", Level.JUNIOR, generation="millennials")
    assert Application.objects.get(program=program, user=person).generation == "millennials"
    with pytest.raises(ValidationError):
        volunteer(program, hr, "Odd One", Level.JUNIOR, generation="martians")
    one_to_one = program_create_from_template(
        template_key="tech", created_by=hr, data={"start_date": timezone.localdate(), "open_for_applications": True}
    )
    program_transition(program=one_to_one, to_status=Program.Status.RECRUITING, by=hr)
    assert "generation" not in ApplicationForm(program=one_to_one, user=junior, role=Role.JUNIOR).fields
    assert 'name="generation"' not in client.get(reverse("programs:apply", args=[one_to_one.pk])).content.decode()
    other = volunteer(one_to_one, hr, "Not Asked", Level.JUNIOR, generation="gen_z")
    assert Application.objects.get(program=one_to_one, user=other).generation == ""
    assert "generation" in Application.confidential_fields


def test_hr_pairs_any_two_volunteers_by_hand_oriented_by_level(hr):
    program = peer_program(hr)
    ana = volunteer(program, hr, "Ana A", Level.APPRENTICE)
    cem = volunteer(program, hr, "Cem C", Level.MID)  # both stored as junior mentors
    to_matching(program)
    outsider = UserFactory(level=Level.LEAD)
    with pytest.raises(ValidationError, match="not an accepted volunteer"):
        match_create_manual(program=program, junior=ana, senior=outsider, by=hr)
    with pytest.raises(ValidationError, match="two different people"):
        match_create_manual(program=program, junior=ana, senior=ana, by=hr)
    match = match_create_manual(program=program, junior=cem, senior=ana, by=hr)  # named the "wrong" way round
    assert match.members.get(user=ana).role == Role.JUNIOR and match.members.get(user=cem).role == Role.SENIOR
    assert match.reasons[0] == "matched by HR" and match.explanation["teaches"][0]["from"] == ana.pk


def test_hr_may_not_pair_by_hand_against_the_rules(hr):
    program, ana, ben = two(hr, gap=40)
    with pytest.raises(ValidationError, match="less than 4 levels apart"):
        match_create_manual(program=program, junior=ben, senior=ana, by=hr)
    program, ana, ben = two(hr)
    ana.manager = ben
    ana.save(update_fields=["manager"])
    with pytest.raises(ValidationError, match="one reporting chain"):
        pair_rule_set(program=program, junior=ben, senior=ana, kind=PairRule.Kind.PIN, by=hr)


def test_a_pin_in_either_order_is_placed_first_and_stays_one_rule(hr):
    program = peer_program(hr)
    ana = volunteer(program, hr, "Ana A", Level.APPRENTICE, teaches=(AI,), learns=(REMOTE,))
    cem = volunteer(program, hr, "Cem C", Level.MID, teaches=(REMOTE,), learns=(AI,))
    dora = volunteer(program, hr, "Dora D", Level.LEAD, teaches=(LEAD,), learns=(DEVX,))
    eli = volunteer(program, hr, "Eli E", Level.EXECUTIVE, teaches=(DEVX,), learns=(LEAD,))
    to_matching(program)
    pair_rule_set(program=program, junior=eli, senior=ana, kind=PairRule.Kind.PIN, by=hr)  # not the engine's choice
    pair_rule_set(program=program, junior=ana, senior=eli, kind=PairRule.Kind.PIN, by=hr, reason="again, other way")
    assert PairRule.objects.filter(program=program).count() == 1
    with pytest.raises(ValidationError, match="already pinned"):
        pair_rule_set(program=program, junior=cem, senior=ana, kind=PairRule.Kind.PIN, by=hr)
    run = matching_run(program=program, by=hr)
    assert pairs_of(run) == {frozenset({ana.pk, eli.pk}), frozenset({cem.pk, dora.pk})}
    pinned = Match.objects.get(run=run, source=Match.Source.PINNED)
    assert pinned.reasons[0] == "pinned by HR"
    assert pinned.members.get(user=ana).role == Role.JUNIOR
    # A forbid rule, named either way round, turns the pin into a forbid: the pair is not placed.
    pair_rule_set(program=program, junior=eli, senior=ana, kind=PairRule.Kind.FORBID, by=hr)
    assert PairRule.objects.get(program=program).kind == PairRule.Kind.FORBID
    run = matching_run(program=program, by=hr)
    assert frozenset({ana.pk, eli.pk}) not in pairs_of(run)


def test_the_settings_save_the_peer_partners_rule(hr, hr_client):
    program = peer_program(hr, partners=MatchingConfig.PeerPartners.LEVEL)
    url = reverse("matching:config", args=[program.pk])
    data = {"topics": 40, "availability": 30, "chemistry": 15, "diversity": 15, "objective": "participation", "min_level_gap": 10}
    response = hr_client.post(url, {**data, "peer_partners": "generation"})
    assert response.status_code == 302
    assert config_for(program).peer_partners == "generation"
    response = hr_client.post(url, {**data, "peer_partners": "astrology"})
    assert config_for(program).peer_partners == "generation"
    assert any("Peer exchange partners: Pick one of the partner rules offered." in str(m) for m in get_messages(response.wsgi_request))
    hr_client.post(url, data)  # left out: kept
    assert config_for(program).peer_partners == "generation"
    page = hr_client.get(reverse("matching:review", args=[program.pk])).content.decode()
    assert 'name="peer_partners"' in page


def test_the_settings_of_other_formats_have_no_peer_rule(hr, hr_client, cohort):
    program, _people = cohort
    assert "peer_partners" not in ConfigForm().fields
    assert "peer_partners" in ConfigForm(peer_exchange=True).fields
    data = {"topics": 40, "availability": 30, "chemistry": 15, "diversity": 15, "objective": "participation", "min_level_gap": 10}
    hr_client.post(reverse("matching:config", args=[program.pk]), {**data, "peer_partners": "generation"})
    assert config_for(program).peer_partners == MatchingConfig.PeerPartners.LEVEL
    # The service keeps the rule when a caller leaves it out, and refuses an unknown one.
    config_update(program=program, weights=data, objective="participation", min_level_gap=10, peer_partners="generation")
    config_update(program=program, weights=data, objective="participation", min_level_gap=10)
    assert config_for(program).peer_partners == "generation"
    with pytest.raises(ValidationError):
        config_update(program=program, weights=data, objective="participation", min_level_gap=10, peer_partners="astrology")


def test_a_one_to_one_program_is_matched_across_roles_as_before(hr, cohort):
    program, people = cohort
    problem = load_problem(program, config=config_for(program))
    assert problem.generations is None and problem.juniors is not problem.seniors
    run = matching_run(program=program, by=hr)
    assert run.algorithm.startswith("pairs: linear_sum_assignment")
    applications = dict(Application.objects.filter(program=program).values_list("user_id", "role"))
    for match in Match.objects.filter(run=run):
        for member in match.members.all():
            assert member.role == applications[member.user_id]
        assert "teaches" not in match.explanation


def test_a_peer_run_costs_the_same_queries_at_two_sizes():
    costs = []
    for size in (12, 40):
        program, hr = _build(size, random.Random(size))
        Program.objects.filter(pk=program.pk).update(format=Program.Format.PEER_EXCHANGE)
        program.refresh_from_db()
        cost = measure(lambda program=program, hr=hr: matching_run(program=program, by=hr), warm=False)
        assert cost.result.matches_made == size  # 2 × size volunteers, all paired
        costs.append(cost)
    assert_flat(*costs, ceiling=25, listed={"matching.Match", "matching.MatchMember"})
    assert not {"programs.Application", "programs.ApplicationTopic", "mentoring.User"} & set(costs[1].instances)


def test_a_peer_pool_of_one_stored_role_moves_through_the_lifecycle(hr):
    """Two stored juniors (an apprentice and a mid-level, two levels apart) are a peer exchange."""
    program = peer_program(hr, gap=20)
    volunteer(program, hr, "Ana Apprentice", Level.APPRENTICE, teaches=(AI,), learns=(DEVX,))
    with pytest.raises(ValidationError, match="at least 2 accepted volunteers; 1 accepted"):
        program_transition(program=program, to_status=Program.Status.MATCHING, by=hr)
    volunteer(program, hr, "Mia Mid", Level.MID, teaches=(DEVX,), learns=(AI,))
    assert set(program.applications.values_list("role", flat=True)) == {Role.JUNIOR}
    program_transition(program=program, to_status=Program.Status.MATCHING, by=hr)
    run = matching_run(program=program, by=hr)
    assert run.matches_made == 1
    match = Match.objects.get(run=run)
    from matching.services import match_respond, matches_approve

    matches_approve(program=program, by=hr)
    for member in match.members.all():
        match_respond(match=match, user=member.user, accept=True)
    program_transition(program=program, to_status=Program.Status.ACTIVE, by=hr)
    program.refresh_from_db()
    assert program.status == Program.Status.ACTIVE


def test_anyone_may_take_part_in_peer_exchange_but_one_to_one_keeps_its_bands(hr):
    program = peer_program(hr)
    program.junior_max_level, program.senior_min_level = Level.JUNIOR, Level.LEAD  # a gap between the bands
    between = [level for level in Level if program.junior_max_level < level < program.senior_min_level]
    assert program.role_for_level(between[0]) == Role.JUNIOR
    assert program.role_for_level(program.senior_min_level) == Role.SENIOR
    program.format = Program.Format.ONE_TO_ONE
    assert program.role_for_level(between[0]) is None


def test_the_review_page_calls_everyone_a_peer(hr, hr_client):
    program, ana, ben = two(hr)
    matching_run(program=program, by=hr)
    page = hr_client.get(reverse("matching:review", args=[program.pk])).content.decode()
    assert '>Peer</span> <span class="fw-semibold">Ana Apprentice' in page
    assert '>Peer</span> <span class="fw-semibold">Ben Senior' in page
    assert "Junior mentor</span>" not in page and "Senior mentee</span>" not in page
