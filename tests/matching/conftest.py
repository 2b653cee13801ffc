import pytest

from mentoring.models import Level
from programs.models import Program
from programs.services import application_decide, program_transition
from tests.mentoring.factories import DepartmentFactory, UserFactory
from tests.programs.factories import apply, tech_program, topic


@pytest.fixture
def cohort(hr):
    """A program in matching with a small company around it.

    ceo ← cto ← eng_lead (senior applicant) ← dev (junior applicant): a reporting chain.
    Also: product_lead (senior), designer (junior, product), analyst (junior, German only).
    """
    eng, product = DepartmentFactory(name="Engineering"), DepartmentFactory(name="Product")
    ceo = UserFactory(email="ceo@acme.test", level=Level.EXECUTIVE, department=eng)
    people = {
        "cto": UserFactory(email="cto@acme.test", level=Level.EXECUTIVE, department=eng, manager=ceo),
    }
    people["eng_lead"] = UserFactory(
        email="englead@acme.test", first_name="Erin", last_name="Lead", level=Level.LEAD, department=eng, manager=people["cto"]
    )
    people["dev"] = UserFactory(
        email="dev@acme.test", first_name="Dev", last_name="Junior", level=Level.JUNIOR, department=eng, manager=people["eng_lead"]
    )
    people["product_lead"] = UserFactory(
        email="plead@acme.test", first_name="Pat", last_name="Product", level=Level.DIRECTOR, department=product
    )
    people["designer"] = UserFactory(
        email="designer@acme.test", first_name="Dana", last_name="Design", level=Level.JUNIOR, department=product
    )
    program = tech_program(hr=hr, status=Program.Status.RECRUITING, open_call=True)
    ai, devx = topic("AI and automation").pk, topic("Developer experience").pk
    applications = {
        "dev": apply(program, people["dev"], expertise={ai: 3, devx: 3}),
        "designer": apply(program, people["designer"], expertise={devx: 1}),
        "eng_lead": apply(program, people["eng_lead"], interests={ai: 3, devx: 2}),
        "product_lead": apply(program, people["product_lead"], interests={devx: 3}),
    }
    for application in applications.values():
        application_decide(application=application, decision="accepted", by=hr)
    program_transition(program=program, to_status=Program.Status.MATCHING, by=hr)
    program.refresh_from_db()
    return program, people
