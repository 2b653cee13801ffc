from django.urls import path

from .views import hr, portal

app_name = "programs"

urlpatterns = [
    # Volunteers
    path("programs/<id:pk>/", portal.program_detail, name="detail"),
    path("programs/<id:pk>/apply/", portal.apply, name="apply"),
    path("programs/<id:pk>/my-application/", portal.my_application, name="my_application"),
    path("programs/<id:pk>/my-application/withdraw/", portal.withdraw, name="withdraw"),
    path("invitations/<str:token>/", portal.invitation, name="invitation"),
    # HR coordinators
    path("hr/programs/", hr.program_list, name="manage_list"),
    path("hr/programs/new/", hr.program_create, name="create"),
    path("hr/programs/new/<slug:template_key>/", hr.program_create, name="create_from_template"),
    path("hr/programs/<id:pk>/", hr.program_detail, name="manage_detail"),
    path("hr/programs/<id:pk>/edit/", hr.program_edit, name="edit"),
    path("hr/programs/<id:pk>/curriculum/", hr.curriculum_edit, name="curriculum"),
    path("hr/programs/<id:pk>/transition/", hr.program_transition, name="transition"),
    path("hr/programs/<id:pk>/invite/", hr.invite, name="invite"),
    path("hr/programs/<id:pk>/applications/", hr.application_list, name="applications"),
    path("hr/programs/<id:pk>/applications/<id:application_pk>/", hr.application_detail, name="application"),
    path("hr/programs/<id:pk>/applications/<id:application_pk>/languages/", hr.application_correct, name="application_correct"),
    path("hr/topics/", hr.topic_list, name="topics"),
    path("hr/topics/<id:pk>/", hr.topic_edit, name="topic_edit"),
]
