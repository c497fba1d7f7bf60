"""Routes of the office side; collected into the "office" namespace by urls_office.py."""

from django.urls import path

from .views import exports

urlpatterns = [
    path("rounds/<int:round_pk>/export.csv", exports.export_csv, name="export_csv"),
    path("rounds/<int:round_pk>/export.xlsx", exports.export_xlsx, name="export_xlsx"),
]
