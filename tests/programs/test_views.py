"""Program pages: access for every view, the HR flows through the forms, query budgets."""

import pytest
from django.urls import reverse

from programs.models import Application, Invitation, Program, Topic
from programs.services import application_decide, program_transition
from tests.budgets import assert_flat, measure
from tests.mentoring.factories import UserFactory
from tests.programs.factories import apply, invite, tech_program, topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(hr):
    return tech_program(hr=hr, status=Program.Status.RECRUITING, open_call=False)


@pytest.fixture
def application(program, hr, junior):
    invite(program, hr, junior)
    return apply(program, junior)


def hr_urls(program, application):
    return [
        reverse("programs:manage_list"),
        reverse("programs:create"),
        reverse("programs:create_from_template", args=["tech"]),
        reverse("programs:manage_detail", args=[program.pk]),
        reverse("programs:edit", args=[program.pk]),
        reverse("programs:curriculum", args=[program.pk]),
        reverse("programs:invite", args=[program.pk]),
        reverse("programs:applications", args=[program.pk]),
        reverse("programs:application", args=[program.pk, application.pk]),
        reverse("programs:topics"),
        reverse("programs:topic_edit", args=[topic("Inclusive language").pk]),
    ]


# --- access --------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["junior", "senior", "outsider"])
def test_hr_program_pages_refuse_participants(client, request, program, application, persona):
    client.force_login(request.getfixturevalue(persona))
    for url in hr_urls(program, application):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("programs:transition", args=[program.pk]), {"to_status": "closed", "reason": "x"}).status_code == 403
    assert client.post(reverse("programs:application", args=[program.pk, application.pk]), {"decision": "accepted"}).status_code == 403
    program.refresh_from_db()
    application.refresh_from_db()
    assert program.status == Program.Status.RECRUITING and application.status == "submitted"


def test_hr_program_pages_need_mfa(client, hr_without_mfa, program, application):
    client.force_login(hr_without_mfa)
    for url in hr_urls(program, application):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_activate_totp")), url


def test_hr_program_pages_open_for_hr(hr_client, program, application):
    for url in hr_urls(program, application):
        assert hr_client.get(url).status_code == 200, url


def test_hr_pages_404_for_unknown_objects(hr_client, program, application):
    assert hr_client.get(reverse("programs:manage_detail", args=[program.pk + 100])).status_code == 404
    assert hr_client.get(reverse("programs:application", args=[program.pk, application.pk + 100])).status_code == 404
    other = tech_program(hr=program.created_by, name="Other")
    assert hr_client.get(reverse("programs:application", args=[other.pk, application.pk])).status_code == 404
    assert hr_client.get(reverse("programs:create_from_template", args=["nope"])).status_code == 404


def test_invitation_link_is_personal(client, program, hr, junior, senior):
    invite(program, hr, junior)
    url = Invitation.objects.get(user=junior).get_absolute_url()
    client.force_login(senior)
    assert client.get(url).status_code == 404
    assert client.post(url, {"answer": "accept"}).status_code == 404
    client.force_login(hr)
    assert client.get(url).status_code == 404
    client.force_login(junior)
    assert client.get(url).status_code == 200


def test_invite_only_program_page_is_hidden_from_the_uninvited(client, program, hr, junior, senior):
    url = reverse("programs:detail", args=[program.pk])
    client.force_login(senior)
    assert client.get(url).status_code == 404
    assert client.get(reverse("programs:apply", args=[program.pk])).status_code == 404
    invite(program, hr, senior)
    assert client.get(url).status_code == 200


def test_a_person_cannot_see_anothers_application(client, application, senior, program):
    # The URL names only the program: it always shows the signed-in person's own application.
    client.force_login(senior)
    assert client.get(reverse("programs:my_application", args=[program.pk])).status_code == 404
    assert client.post(reverse("programs:withdraw", args=[program.pk])).status_code == 404
    application.refresh_from_db()
    assert application.status == "submitted"


# --- HR flows through the forms --------------------------------------------------------------
def program_form_data(**overrides):
    data = {
        "name": "Leadership learns AI",
        "goal": "Leaders learn AI tools from juniors",
        "format": "one_to_one",
        "project_brief": "",
        "start_date": "2027-02-01",
        "length_months": 6,
        "meeting_cadence": "monthly",
        "min_meeting_minutes": 45,
        "group_session_cadence": "quarterly",
        "group_session_minutes": 90,
        "confidentiality_terms": "Stays between us.",
        "target_juniors": 4,
        "target_seniors": 4,
        "junior_max_level": 30,
        "senior_min_level": 50,
        "group_juniors_min": 3,
        "group_juniors_max": 4,
        "group_seniors_min": 1,
        "group_seniors_max": 2,
    }
    data.update(overrides)
    return data


def test_create_from_template_through_the_form(hr_client, hr):
    response = hr_client.post(reverse("programs:create_from_template", args=["tech"]), program_form_data(coordinators=[hr.pk]))
    program = Program.objects.get()
    assert response.status_code == 302 and response["Location"] == program.get_manage_url()
    assert program.template_key == "tech" and program.curriculum.count() == 6 and program.name == "Leadership learns AI"


def test_program_form_refuses_short_meetings_and_changes_nothing(hr_client, hr):
    response = hr_client.post(reverse("programs:create"), program_form_data(min_meeting_minutes=20, coordinators=[hr.pk]))
    assert response.status_code == 200
    assert "30" in response.content.decode()
    assert not Program.objects.exists()


def test_program_form_refuses_project_without_brief(hr_client, hr):
    response = hr_client.post(reverse("programs:create"), program_form_data(format="project", coordinators=[hr.pk]))
    assert response.status_code == 200 and "Describe the joint project" in response.content.decode()
    assert not Program.objects.exists()


def test_edit_and_curriculum_through_the_forms(hr_client, hr, program):
    response = hr_client.post(reverse("programs:edit", args=[program.pk]), program_form_data(name="Renamed", coordinators=[hr.pk]))
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.name == "Renamed"
    ai = topic("AI and automation")
    data = {"form-TOTAL_FORMS": 6, "form-INITIAL_FORMS": 6}
    for index in range(6):
        data.update(
            {
                f"form-{index}-month": index + 1,
                f"form-{index}-title": f"Month {index + 1}",
                f"form-{index}-topic": ai.pk if index < 5 else "",
                f"form-{index}-notes": "",
            }
        )
    assert hr_client.post(reverse("programs:curriculum", args=[program.pk]), data).status_code == 302
    assert program.curriculum.filter(topic=ai).count() == 5
    page = hr_client.get(program.get_manage_url()).content.decode()
    assert "technology only" in page


def test_transition_through_the_page_shows_refusals(hr_client, program):
    response = hr_client.post(reverse("programs:transition", args=[program.pk]), {"to_status": "matching"}, follow=True)
    assert "Matching needs at least 1 accepted junior mentor" in response.content.decode()
    program.refresh_from_db()
    assert program.status == Program.Status.RECRUITING


def test_invite_from_the_directory_with_multi_select(hr_client, program, junior, senior):
    response = hr_client.post(reverse("programs:invite", args=[program.pk]), {"people": [junior.pk, senior.pk], "message": "Join us"})
    assert response.status_code == 302
    assert set(Invitation.objects.values_list("user__email", flat=True)) == {junior.email, senior.email}
    page = hr_client.get(reverse("programs:invite", args=[program.pk])).content.decode()
    assert "Waiting for an answer" in page


def test_invite_page_filters_candidates(hr_client, program, junior, senior):
    page = hr_client.get(reverse("programs:invite", args=[program.pk]), {"level": 20}).content.decode()
    assert junior.get_full_name() in page and senior.get_full_name() not in page


def test_decide_one_and_bulk(hr_client, program, hr, application):
    url = reverse("programs:application", args=[program.pk, application.pk])
    assert hr_client.post(url, {"decision": "accepted", "message": "Welcome"}).status_code == 302
    application.refresh_from_db()
    assert application.status == "accepted" and application.hr_message == "Welcome"
    other = UserFactory(level=60)
    invite(program, hr, other)
    second = apply(program, other)
    response = hr_client.post(
        reverse("programs:applications", args=[program.pk]), {"applications": [second.pk], "decision": "waitlisted", "message": ""}
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == "waitlisted"


def test_hr_review_never_shows_the_private_avoid_list(hr_client, program, hr, senior, outsider):
    invite(program, hr, senior)
    application = apply(program, senior, avoid_people=[outsider])
    page = hr_client.get(reverse("programs:application", args=[program.pk, application.pk])).content.decode()
    assert outsider.get_full_name() not in page and outsider.email not in page


def test_topic_catalog_pages(hr_client):
    response = hr_client.post(
        reverse("programs:topics"), {"name": "Prompt engineering", "category": "technology", "description": "", "is_active": "on"}
    )
    assert response.status_code == 302
    created = Topic.objects.get(name="Prompt engineering")
    response = hr_client.post(reverse("programs:topics"), {"name": "prompt ENGINEERING", "category": "technology"})
    assert response.status_code == 200 and "already a topic" in response.content.decode()
    response = hr_client.post(
        reverse("programs:topic_edit", args=[created.pk]), {"name": "Prompting", "category": "technology", "description": ""}
    )
    assert response.status_code == 302
    created.refresh_from_db()
    assert created.name == "Prompting" and not created.is_active  # unchecked box retires it


# --- the volunteer's side through the forms ----------------------------------------------------
def application_form_data(**overrides):
    data = {
        "motivation": "I want to help leadership understand our tools.",
        "hopes": "Visibility and practice.",
        "comfort_with_seniors": "3",
        "meeting_mode": "remote",
        "preferred_times": ["tue_morning", "thu_afternoon"],
        "languages": ["en"],
        "style_directness": "4",
        "style_structure": "2",
        "style_pace": "3",
        f"expertise_{topic('AI and automation').pk}": "3",
        "voluntary_consent": "on",
        "confidentiality_accepted": "on",
    }
    data.update(overrides)
    return data


def test_junior_applies_through_the_portal(client, program, hr, junior):
    invite(program, hr, junior)
    client.force_login(junior)
    invitation = Invitation.objects.get(user=junior)
    response = client.post(invitation.get_absolute_url(), {"answer": "accept"})
    assert response["Location"] == reverse("programs:apply", args=[program.pk])
    page = client.get(reverse("programs:apply", args=[program.pk])).content.decode()
    assert "junior mentor" in page and "Stays between" not in page  # terms are the program's own
    response = client.post(reverse("programs:apply", args=[program.pk]), application_form_data())
    assert response.status_code == 302
    application = Application.objects.get(user=junior)
    assert application.preferred_times == ["tue_morning", "thu_afternoon"] and application.style_directness == 4
    assert application.topics.get().strength == 3


def test_application_without_consent_rerenders_with_errors(client, program, hr, junior):
    invite(program, hr, junior)
    client.force_login(junior)
    data = application_form_data()
    del data["voluntary_consent"]
    response = client.post(reverse("programs:apply", args=[program.pk]), data)
    assert response.status_code == 200
    assert "please confirm you are volunteering" in response.content.decode()
    assert not Application.objects.exists()


def test_hr_cannot_submit_an_application_for_someone_else(client, hr, junior):
    program = tech_program(hr=hr, status=Program.Status.RECRUITING, open_call=True)
    hr.level = 50  # make HR eligible as a senior mentee, so only ownership can stop it
    hr.save()
    client.force_login(hr)
    data = application_form_data(user=junior.pk, applicant=junior.pk, user_id=junior.pk)
    data.pop(f"expertise_{topic('AI and automation').pk}")
    data.update({f"interest_{topic('Developer experience').pk}": "2", "openness_statement": "Anything", "time_commitment_confirmed": "on"})
    client.post(reverse("programs:apply", args=[program.pk]), data)
    assert not Application.objects.filter(user=junior).exists()
    assert list(Application.objects.values_list("user", flat=True)) == [hr.pk]  # at most their own
    assert client.get("/admin/programs/application/add/").status_code == 403


def test_withdraw_from_the_portal(client, application, junior, program):
    client.force_login(junior)
    response = client.post(reverse("programs:withdraw", args=[program.pk]))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "withdrawn"


def test_home_and_portal_show_invitations_and_applications(client, program, hr, junior, senior):
    invite(program, hr, junior, senior)
    apply(program, junior)
    client.force_login(junior)
    home = client.get(reverse("portal:home")).content.decode()
    assert "Your applications" in home and program.name in home
    client.force_login(senior)
    page = client.get(reverse("portal:programs")).content.decode()
    assert "You are invited" in page and program.name in page


# --- query budgets -------------------------------------------------------------------------------
def fill(program, hr, size):
    """`size` applicants straight into the table (the services are tested elsewhere)."""
    people = [UserFactory(level=20 if i % 2 else 60, verified=False) for i in range(size)]
    Application.objects.bulk_create(
        [
            Application(
                program=program,
                user=p,
                role="junior" if p.level == 20 else "senior",
                motivation="m",
                hopes="h",
                languages=["en"],
                voluntary_consent=True,
                confidentiality_accepted=True,
            )
            for p in people
        ]
    )
    from programs.models import ApplicationTopic

    ai = topic("AI and automation")
    new = program.applications.filter(topics__isnull=True)
    ApplicationTopic.objects.bulk_create([ApplicationTopic(application=a, topic=ai, kind="expertise", strength=2) for a in new])


def test_application_list_costs_the_same_at_two_sizes(hr_client, hr, program):
    url = reverse("programs:applications", args=[program.pk])
    fill(program, hr, 120)  # more than a page (100) at both sizes
    small = measure(lambda: hr_client.get(url))
    fill(program, hr, 380)
    large = measure(lambda: hr_client.get(url))
    assert_flat(small, large, ceiling=18)
    assert large.result.content.decode().count('name="applications" value=') == 100


def test_program_list_costs_the_same_at_two_sizes(hr_client, hr):
    def programs(count):
        for _ in range(count):
            fill(tech_program(hr=hr, status=Program.Status.RECRUITING), hr, 3)

    url = reverse("programs:manage_list")
    programs(2)
    small = measure(lambda: hr_client.get(url))
    programs(23)
    large = measure(lambda: hr_client.get(url))
    # Programs and their coordinators are listed; applications are counted in SQL, never loaded.
    assert_flat(small, large, ceiling=10, listed={"programs.Program", "mentoring.User"})
    assert (large.instances["programs.Program"], large.instances["mentoring.User"]) == (25, 25 + 1)  # + the signed-in HR
    assert large.result.content.decode().count("status-recruiting") == 25


def test_invite_page_costs_the_same_at_two_sizes(hr_client, hr, program):
    def people(count):
        for _ in range(count):
            invite(program, hr, UserFactory(level=20, verified=False))
            UserFactory(level=60, verified=False)

    url = reverse("programs:invite", args=[program.pk])
    people(2)
    small = measure(lambda: hr_client.get(url))
    people(38)
    large = measure(lambda: hr_client.get(url))
    assert_flat(small, large, ceiling=16, listed={"mentoring.User", "mentoring.Department", "programs.Invitation"})
    assert large.result.status_code == 200


def test_program_overview_shows_readiness(hr_client, program, hr):
    fill(program, hr, 4)
    for application in program.applications.all()[:2]:
        application_decide(application=application, decision="accepted", by=hr)
    page = hr_client.get(program.get_manage_url()).content.decode()
    assert "Readiness" in page and "still await your decision" in page


def test_program_list_counts_worried_pairs_not_which_member_worried(hr_client, hr):
    from evaluation.services import checkin_submit
    from programs.selectors import programs_for_hr
    from tests.sessions.conftest import confirmed_pairs

    program, ((junior, senior),) = confirmed_pairs(hr)
    program_transition(program=program, to_status=Program.Status.ACTIVE, by=hr)
    checkin_submit(program=program, user=junior, pulse=2, meetings_as_planned=True)
    one = programs_for_hr().get(pk=program.pk).alerts
    checkin_submit(program=program, user=senior, pulse=1, meetings_as_planned=False, flags=["no_time"])
    assert one == programs_for_hr().get(pk=program.pk).alerts == 1
    assert "1 warning sign" in hr_client.get(reverse("programs:manage_list")).content.decode()
