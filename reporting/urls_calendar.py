"""The office admin's reminder calendar, under /reminders/. Namespace: "reminders"."""

from django.urls import path

from . import calendar

app_name = "reminders"
urlpatterns = [
    path("", calendar.rounds, name="rounds"),
    path("rounds/<int:round_pk>/", calendar.round_calendar, name="round"),
]
