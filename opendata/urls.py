"""/open-data/: the documentation page, and version 1 of the API under /open-data/v1/ (a later
version gets its own path beside it; `openapi.BASE_PATH` is where this one lives)."""

from django.urls import path

from . import views

app_name = "opendata"
urlpatterns = [
    path("", views.documentation, name="documentation"),
    path("v1/openapi.json", views.openapi, name="openapi"),
    path("v1/rounds.json", views.rounds, {"fmt": "json"}, name="rounds_json"),
    path("v1/rounds.csv", views.rounds, {"fmt": "csv"}, name="rounds_csv"),
    path("v1/rounds/<int:round_id>/grants.json", views.grants, {"fmt": "json"}, name="grants_json"),
    path("v1/rounds/<int:round_id>/grants.csv", views.grants, {"fmt": "csv"}, name="grants_csv"),
]
