from django.urls import path

from . import views

app_name = "evaluation"

urlpatterns = [
    path("programs/<id:pk>/checkin/", views.checkin, name="checkin"),
    path("programs/<id:pk>/survey/", views.survey, name="survey"),
    path("programs/<id:pk>/recommendations/", views.recommendations, name="recommendations"),
    path("programs/<id:pk>/journey/", views.journey, name="journey"),
    path("hr/programs/<id:pk>/dashboard/", views.dashboard, name="dashboard"),
    path("hr/programs/<id:pk>/pairs/<id:match_pk>/", views.pair_action, name="pair_action"),
    path("hr/programs/<id:pk>/survey/", views.survey_manage, name="survey_manage"),
    path("hr/programs/<id:pk>/survey/answers/<id:question_pk>/", views.survey_answers, name="survey_answers"),
    path("hr/programs/<id:pk>/recommendations/", views.recommendation_board, name="recommendation_board"),
]
