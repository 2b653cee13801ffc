from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("hr/programs/<id:pk>/matching/", views.review, name="review"),
    path("hr/programs/<id:pk>/matching/run/", views.run, name="run"),
    path("hr/programs/<id:pk>/matching/settings/", views.config, name="config"),
    path("hr/programs/<id:pk>/matching/approve/", views.approve, name="approve"),
    path("hr/programs/<id:pk>/matching/pair/", views.pair, name="pair"),
    path("hr/programs/<id:pk>/matching/<id:match_pk>/discard/", views.discard, name="discard"),
    path("hr/programs/<id:pk>/matching/<id:match_pk>/end/", views.end, name="end"),
    path("hr/programs/<id:pk>/matching/rules/<id:rule_pk>/remove/", views.rule_remove, name="rule_remove"),
    path("matches/<id:pk>/", views.my_match, name="my_match"),
]
