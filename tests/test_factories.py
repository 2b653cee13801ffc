"""Every app's factories build rows the models themselves accept (field validation, choices,
unique and check constraints), and say what they promise: a pair has both sides, a log's
author is in the pair, an answer belongs to its response's survey."""

import pytest

from matching.models import Match, MatchMember
from tests.evaluation.factories import (
    AnswerFactory,
    CheckInFactory,
    HRNoteFactory,
    QuestionFactory,
    RecommendationFactory,
    ResponseFactory,
    SurveyFactory,
)
from tests.matching.factories import MatchFactory, MatchMemberFactory, MatchRunFactory, PairRuleFactory, member
from tests.mentoring.factories import DepartmentFactory, UserFactory
from tests.notifications.factories import EmailPreferenceFactory, NotificationFactory
from tests.programs.factories import ProgramFactory, TopicFactory
from tests.sessions.factories import ActionItemFactory, CalendarFeedFactory, MeetingFactory, NoteFactory, SessionLogFactory

pytestmark = pytest.mark.django_db

FACTORIES = [
    DepartmentFactory, UserFactory, TopicFactory, ProgramFactory, MatchRunFactory, MatchFactory, PairRuleFactory,
    MeetingFactory, SessionLogFactory, NoteFactory, ActionItemFactory, CalendarFeedFactory, NotificationFactory,
    EmailPreferenceFactory, CheckInFactory, HRNoteFactory, SurveyFactory, QuestionFactory, ResponseFactory, AnswerFactory,
    RecommendationFactory,
]  # fmt: skip


# An empty `unmatched` is a run that placed everyone, but the field lacks blank=True.
NOT_VALIDATED = {MatchRunFactory: ["unmatched"]}


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda factory: factory.__name__)
def test_factory_builds_a_row_the_model_accepts(factory):
    row = factory()
    row.full_clean(exclude=NOT_VALIDATED.get(factory))  # fields, choices, unique and check constraints
    assert type(row)._default_manager.filter(pk=row.pk).exists() and str(row)


def test_a_match_has_both_sides_and_their_answers_follow_its_status():
    confirmed = MatchFactory()
    assert sorted(confirmed.members.values_list("role", "response")) == [("junior", "accepted"), ("senior", "accepted")]
    assert member(confirmed, "junior").level < member(confirmed, "senior").level
    offered = MatchFactory(status=Match.Status.APPROVED)
    assert set(offered.members.values_list("response", flat=True)) == {MatchMember.Response.PENDING}
    extra = MatchMemberFactory(match=offered, role="junior")
    assert offered.members.count() == 3 and extra.response == MatchMember.Response.PENDING


def test_session_rows_belong_to_the_pair():
    log = SessionLogFactory()
    assert log.meeting.status == "held" and log.meeting.starts_at is not None
    assert log.author == member(log.meeting.match, "junior")
    note, action = NoteFactory(), ActionItemFactory()
    assert note.author in {m.user for m in note.match.members.all()}
    assert action.owner == action.created_by == member(action.match, "junior")
    scheduled = MeetingFactory(scheduled=True)
    assert scheduled.program == scheduled.match.program and scheduled.ends_at > scheduled.starts_at


def test_evaluation_rows_hang_together():
    answer = AnswerFactory()
    assert answer.question.survey == answer.response.survey
    worried = CheckInFactory(worried=True)
    assert (worried.pulse, worried.reach_out, worried.user) == (2, True, member(worried.match, "junior"))
    assert worried.program == worried.match.program
    adopted = RecommendationFactory(adopted=True, authors=[worried.user])
    adopted.full_clean()
    assert adopted.follow_up_date and list(adopted.authors.all()) == [worried.user]


def test_program_traits_and_coordinators(hr):
    program = ProgramFactory(active=True, coordinators=[hr])
    assert program.status == "active" and program.start_date < program.end_date
    assert list(program.coordinators.all()) == [hr]
    assert ProgramFactory(recruiting=True).accepts_applications
