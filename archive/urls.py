"""The office's archive copies, under /archive/. Namespace: "archive"."""

from django.urls import path

from . import views

app_name = "archive"
urlpatterns = [
    path("rounds/<int:round_pk>/", views.round_copies, name="round"),
    path("cases/<int:pk>/", views.case, name="case"),
    path("cases/<int:pk>/new-version/", views.new_version, name="new_version"),
    path("copies/<int:copy_pk>/pdf/", views.download_pdf, name="pdf"),
    path("copies/<int:copy_pk>/metadata/", views.download_metadata, name="metadata"),
    path("files/<int:file_pk>/", views.download_file, name="file"),
]
