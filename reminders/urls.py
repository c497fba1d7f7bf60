"""The office admin's reminder calendar and the e-mails not sent, under /reminders/. Namespace: "reminders"."""

from django.urls import path

from . import views

app_name = "reminders"
urlpatterns = [
    path("", views.rounds, name="rounds"),
    path("rounds/<int:round_pk>/", views.round_calendar, name="round"),
    path("not-sent/", views.outbox, name="outbox"),
]
