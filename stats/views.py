"""The dashboards and their exports. Another office's round, or the national figures without the
national role, is a 404: the figures are not even hinted at."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from portal.models import OFFICE_ROLES
from portal.permissions import is_national_admin, office_ids_with_role
from schemes.models import Round

from . import selectors
from .dashboards import national_charts, round_charts
from .exports import table_csv, table_xlsx
from .forms import NationalFilterForm
from .permissions import can_view_national_figures, can_view_round_figures
from .tables import national_tables, round_tables, table_named

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


def _download(content: bytes, content_type: str, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _round(request, round_pk) -> Round:
    round_ = Round.objects.select_related("scheme", "office").filter(pk=round_pk).first()
    if round_ is None or not can_view_round_figures(request.user, round_):
        raise Http404
    return round_


def _sections(tables, charts, export_url) -> list[tuple]:
    """(table, its chart or None, its CSV, its spreadsheet) in the page's order; `export_url(key,
    extension)` is where a table is downloaded."""
    return [(table, charts.get(table.key), export_url(table.key, "csv"), export_url(table.key, "xlsx"))
            for table in tables]


@login_required
def index(request):
    """The rounds whose figures the user may see (their offices'), and the national figures."""
    offices = office_ids_with_role(request.user, *OFFICE_ROLES)
    national = is_national_admin(request.user)
    if not offices and not national:
        raise Http404
    rounds = Round.objects.filter(office_id__in=offices).select_related("scheme", "office").order_by(
        "-year", "office__name", "scheme__name")
    return render(request, "stats/index.html", {"rounds": rounds, "national": national})


@login_required
def round_dashboard(request, round_pk):
    round_ = _round(request, round_pk)
    dashboard = selectors.round_dashboard(round_=round_)
    return render(request, "stats/round.html", {
        "round": round_, "figures": dashboard.figures,
        "sections": _sections(round_tables(dashboard), round_charts(dashboard), lambda key, extension: reverse(
            f"statistics:round_{extension}", kwargs={"round_pk": round_.pk, "table": key})),
    })


def _round_table(request, round_pk, key):
    round_ = _round(request, round_pk)
    table = table_named(round_tables(selectors.round_dashboard(round_=round_)), key)
    if table is None:
        raise Http404
    return table, f"{round_.office.slug}-{round_.year}-{key}"


@login_required
def round_export_csv(request, round_pk, table):
    table, name = _round_table(request, round_pk, table)
    return _download(table_csv(table), CSV, f"{name}.csv")


@login_required
def round_export_xlsx(request, round_pk, table):
    table, name = _round_table(request, round_pk, table)
    return _download(table_xlsx(table), XLSX, f"{name}.xlsx")


def _national(request):
    if not can_view_national_figures(request.user):
        raise Http404
    form = NationalFilterForm(request.GET or None, years=selectors.years_with_rounds())
    return form, selectors.national_dashboard(**form.filters())


@login_required
def national_dashboard(request):
    form, dashboard = _national(request)
    query = "?" + urlencode({"year": dashboard.year, **({"office": dashboard.office.pk} if dashboard.office else {})})
    return render(request, "stats/national.html", {
        "form": form, "dashboard": dashboard,
        "sections": _sections(national_tables(dashboard), national_charts(dashboard), lambda key, extension: reverse(
            f"statistics:national_{extension}", kwargs={"table": key}) + query),
    })


def _national_table(request, key):
    _form, dashboard = _national(request)
    table = table_named(national_tables(dashboard), key)
    if table is None:
        raise Http404
    office = f"-{dashboard.office.slug}" if dashboard.office else ""
    return table, f"nasjonalt-{dashboard.year}{office}-{key}"


@login_required
def national_export_csv(request, table):
    table, name = _national_table(request, table)
    return _download(table_csv(table), CSV, f"{name}.csv")


@login_required
def national_export_xlsx(request, table):
    table, name = _national_table(request, table)
    return _download(table_xlsx(table), XLSX, f"{name}.xlsx")
