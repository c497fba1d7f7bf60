"""The round's assessment as CSV and XLSX, for the caseworkers and approvers of the round's office."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from schemes.models import Round

from ..exports import export_csv as csv_bytes
from ..exports import export_xlsx as xlsx_bytes
from ..exports import round_export_rows
from .common import office_round

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _file_name(round_: Round, extension: str) -> str:
    return f"tildeling-{round_.office.slug}-{round_.year}.{extension}"


def _download(content: bytes, content_type: str, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def export_csv(request, round_pk):
    round_ = office_round(request, round_pk)
    content = csv_bytes(round_export_rows(round_=round_))
    return _download(content, "text/csv; charset=utf-8", _file_name(round_, "csv"))


@login_required
def export_xlsx(request, round_pk):
    round_ = office_round(request, round_pk)
    content = xlsx_bytes(round_export_rows(round_=round_))
    return _download(content, XLSX, _file_name(round_, "xlsx"))
