"""Figures and charts, under /statistics/. Namespace: "statistics"."""

from django.urls import path

from . import views

app_name = "statistics"
urlpatterns = [
    path("", views.index, name="index"),
    path("rounds/<int:round_pk>/", views.round_dashboard, name="round"),
    path("rounds/<int:round_pk>/<slug:table>.csv", views.round_export_csv, name="round_csv"),
    path("rounds/<int:round_pk>/<slug:table>.xlsx", views.round_export_xlsx, name="round_xlsx"),
    path("national/", views.national_dashboard, name="national"),
    path("national/<slug:table>.csv", views.national_export_csv, name="national_csv"),
    path("national/<slug:table>.xlsx", views.national_export_xlsx, name="national_xlsx"),
]
