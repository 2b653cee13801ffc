"""Programs for tests: helpers that walk the real services (`tech_program`, `apply`, `invite`)
for tests about the workflow, and row factories for tests that only need a program to exist."""

import datetime

import factory
from django.utils import timezone

from programs.models import Program, Topic, TopicCategory
from programs.services import ApplicationAnswers, application_submit, invitations_send, program_create_from_template, program_transition


def topic(name: str) -> Topic:
    return Topic.objects.get(name=name)


def tech_program(*, hr, status: str = Program.Status.DRAFT, open_call: bool = True, **data) -> Program:
    """The source's tech example, moved along the lifecycle to `status` (draft or recruiting)."""
    values = {"start_date": timezone.localdate() + datetime.timedelta(days=14), "open_for_applications": open_call, **data}
    program = program_create_from_template(template_key="tech", created_by=hr, data=values)
    if status in {Program.Status.RECRUITING, Program.Status.MATCHING}:
        program_transition(program=program, to_status=Program.Status.RECRUITING, by=hr)
    return program


def answers(program: Program, user, **overrides) -> ApplicationAnswers:
    role = program.role_for_level(user.level)
    peer = program.format == Program.Format.PEER_EXCHANGE
    values = {
        "motivation": "I want to take part.",
        "hopes": "Learn and share.",
        "voluntary_consent": True,
        "confidentiality_accepted": True,
        "meeting_mode": "hybrid",
        "preferred_times": ["tue_morning"],
        "languages": ["en"],
        "style_directness": 3,
        "style_structure": 3,
        "style_pace": 3,
        "expertise": {topic("AI and automation").pk: 3} if role == "junior" or peer else {},
        "interests": {topic("Developer experience").pk: 2} if role == "senior" or peer else {},
        "comfort_with_seniors": 3 if role == "junior" else None,
        "openness_statement": "Honest feedback." if role == "senior" else "",
        "time_commitment_confirmed": role == "senior",
    }
    values.update(overrides)
    return ApplicationAnswers(**values)


def apply(program: Program, user, **overrides):
    return application_submit(program=program, user=user, answers=answers(program, user, **overrides))


def invite(program: Program, hr, *people):
    return invitations_send(program=program, people=list(people), invited_by=hr)


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Topic {n}")
    category = TopicCategory.TECHNOLOGY


class ProgramFactory(factory.django.DjangoModelFactory):
    """A program row, a draft by default; `recruiting=True` (open call) or `active=True` (in its
    first month) for the other phases. No curriculum, no plan: use `tech_program` for those."""

    class Meta:
        model = Program
        skip_postgeneration_save = True

    class Params:
        recruiting = factory.Trait(status=Program.Status.RECRUITING, open_for_applications=True)
        active = factory.Trait(
            status=Program.Status.ACTIVE, start_date=factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
        )

    name = factory.Sequence(lambda n: f"Program {n}")
    goal = "Seniors learn how younger colleagues work; the company gets concrete improvements."
    status = Program.Status.DRAFT
    start_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))
    created_by = factory.SubFactory("tests.mentoring.factories.UserFactory", level=40)

    @factory.post_generation
    def coordinators(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.coordinators.set(extracted)
