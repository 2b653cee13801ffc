from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("hr/programs/<int:pk>/matching/", views.review, name="review"),
    path("hr/programs/<int:pk>/matching/run/", views.run, name="run"),
    path("hr/programs/<int:pk>/matching/settings/", views.config, name="config"),
    path("hr/programs/<int:pk>/matching/approve/", views.approve, name="approve"),
    path("hr/programs/<int:pk>/matching/pair/", views.pair, name="pair"),
    path("hr/programs/<int:pk>/matching/<int:match_pk>/discard/", views.discard, name="discard"),
    path("hr/programs/<int:pk>/matching/<int:match_pk>/end/", views.end, name="end"),
    path("hr/programs/<int:pk>/matching/rules/<int:rule_pk>/remove/", views.rule_remove, name="rule_remove"),
    path("matches/<int:pk>/", views.my_match, name="my_match"),
]
