"""Reports on the use of funds, under /reports/: the municipality's report of an application,
the office's review of it, and the office's overview of a round's reports. One namespace: "reporting"."""

from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("<int:pk>/", views.report, name="report"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/ready-for-signature/", views.mark_ready, name="mark_ready"),
    path("<int:pk>/auditor-statement/", views.auditor_statement, name="auditor_statement"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/review/approve/", views.approve, name="approve"),
    path("<int:pk>/review/return/", views.return_report, name="return"),
    path("rounds/<int:round_pk>/", views.round_reports, name="round_reports"),
]
