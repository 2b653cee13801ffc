from django.urls import path

from .views import hr, portal

app_name = "programs"

urlpatterns = [
    # Volunteers
    path("programs/", portal.my_programs, name="mine"),
    path("programs/<int:pk>/", portal.program_detail, name="detail"),
    path("programs/<int:pk>/apply/", portal.apply, name="apply"),
    path("programs/<int:pk>/my-application/", portal.my_application, name="my_application"),
    path("programs/<int:pk>/my-application/withdraw/", portal.withdraw, name="withdraw"),
    path("invitations/<str:token>/", portal.invitation, name="invitation"),
    # HR coordinators
    path("hr/programs/", hr.program_list, name="manage_list"),
    path("hr/programs/new/", hr.program_create, name="create"),
    path("hr/programs/new/<slug:template_key>/", hr.program_create, name="create_from_template"),
    path("hr/programs/<int:pk>/", hr.program_detail, name="manage_detail"),
    path("hr/programs/<int:pk>/edit/", hr.program_edit, name="edit"),
    path("hr/programs/<int:pk>/curriculum/", hr.curriculum_edit, name="curriculum"),
    path("hr/programs/<int:pk>/transition/", hr.program_transition, name="transition"),
    path("hr/programs/<int:pk>/invite/", hr.invite, name="invite"),
    path("hr/programs/<int:pk>/applications/", hr.application_list, name="applications"),
    path("hr/programs/<int:pk>/applications/<int:application_pk>/", hr.application_detail, name="application"),
    path("hr/topics/", hr.topic_list, name="topics"),
    path("hr/topics/<int:pk>/", hr.topic_edit, name="topic_edit"),
]
