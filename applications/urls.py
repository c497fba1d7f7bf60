from django.urls import path

from .views import files, lines, overview, sections, submission

app_name = "applications"
urlpatterns = [
    path("", overview.my_applications, name="mine"),
    path("start/<int:round_pk>/", overview.start, name="start"),
    path("<int:pk>/", overview.overview, name="overview"),
    path("<int:pk>/details/", sections.details, name="details"),
    path("<int:pk>/competence-plan/", sections.plan, name="plan"),
    path("<int:pk>/measures/", lines.measures, name="measures"),
    path("<int:pk>/measures/add/", lines.measure_add, name="measure_add"),
    path("<int:pk>/measures/<int:line_pk>/", lines.measure_edit, name="measure_edit"),
    path("<int:pk>/measures/<int:line_pk>/remove/", lines.measure_delete, name="measure_delete"),
    path("<int:pk>/projects/", lines.projects, name="projects"),
    path("<int:pk>/projects/add/", lines.project_add, name="project_add"),
    path("<int:pk>/projects/<int:line_pk>/", lines.project_edit, name="project_edit"),
    path("<int:pk>/projects/<int:line_pk>/remove/", lines.project_delete, name="project_delete"),
    path("<int:pk>/summary/", overview.summary, name="summary"),
    path("<int:pk>/history/", overview.history, name="history"),
    path("<int:pk>/check/", submission.check, name="check"),
    path("<int:pk>/submit/", submission.submit, name="submit"),
    path("<int:pk>/ready-for-signature/", submission.mark_ready, name="mark_ready"),
    path("<int:pk>/withdraw/", submission.withdraw, name="withdraw"),
    path("<int:pk>/start-again/", submission.reopen, name="reopen"),
    path("<int:pk>/copy-previous/", submission.copy_previous, name="copy_previous"),
    path("<int:pk>/files/<int:attachment_pk>/", files.attachment, name="attachment"),
    path("<int:pk>/receipts/<int:receipt_pk>/", files.receipt, name="receipt"),
]
