from django.urls import path

from . import views

app_name = "evaluation"

urlpatterns = [
    path("programs/<int:pk>/checkin/", views.checkin, name="checkin"),
    path("programs/<int:pk>/survey/", views.survey, name="survey"),
    path("programs/<int:pk>/recommendations/", views.recommendations, name="recommendations"),
    path("programs/<int:pk>/journey/", views.journey, name="journey"),
    path("hr/programs/<int:pk>/dashboard/", views.dashboard, name="dashboard"),
    path("hr/programs/<int:pk>/pairs/<int:match_pk>/", views.pair_action, name="pair_action"),
    path("hr/programs/<int:pk>/survey/", views.survey_manage, name="survey_manage"),
    path("hr/programs/<int:pk>/recommendations/", views.recommendation_board, name="recommendation_board"),
]
