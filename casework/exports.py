"""A round's assessment as a spreadsheet: one row per competence measure and innovation project of
every application in play, with what was applied for and what was (or is proposed to be) awarded.

Text that the municipality wrote ends up in cells a caseworker opens in Excel, so text that a
spreadsheet would read as a formula (= + - @, tab, carriage return) is prefixed with a single quote.
Amounts are numbers and stay numbers."""

import csv
import io

from django.db.models import Prefetch
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from applications.models import Application, CompetenceMeasure, InnovationProject, LinePart, MeasureKind
from applications.rules import NOT_IN_PLAY
from portal.formatting import format_organisation_number
from portal.models import Organisation

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_header() -> list[str]:
    return [str(label) for label in (
        _("Municipality"),
        capfirst(Organisation._meta.get_field("organisation_number").verbose_name),
        _("Part"),
        _("Kind"),
        _("Title"),
        _("Mental health and substance abuse"),
        _("Applied for (NOK)"),
        _("Awarded (NOK)"),
    )]


def round_export_rows(*, round_) -> list[list]:
    """One row per line of every application of the round that is in play (not draft or withdrawn):
    municipality, organisation number, part, kind, title, rus og psykisk helse, applied, awarded.

    Awarded is the decision's stored amount when there is a decision, otherwise the proposed award,
    otherwise empty (None). Labels are in the active language. Three queries, however many rows."""
    applications = (
        Application.objects.filter(round=round_).exclude(status__in=NOT_IN_PLAY)
        .select_related("organisation", "decision")
        .prefetch_related(
            Prefetch("measures", queryset=CompetenceMeasure.objects.order_by("id")),
            Prefetch("projects", queryset=InnovationProject.objects.order_by("priority_rank", "id")),
        )
        .order_by("organisation__name", "pk")
    )
    parts = {LinePart.MEASURE: capfirst(CompetenceMeasure._meta.verbose_name),
             LinePart.PROJECT: capfirst(InnovationProject._meta.verbose_name)}
    kinds = dict(MeasureKind.choices)
    yes, no = _("Yes"), _("No")
    rows = []
    for application in applications:
        organisation = application.organisation
        decision = getattr(application, "decision", None)
        decided = {(line["part"], line["id"]): line["awarded"] for line in decision.lines} if decision else {}
        lines = [*((LinePart.MEASURE, m) for m in application.measures.all()),
                 *((LinePart.PROJECT, p) for p in application.projects.all())]
        for part, line in lines:
            is_measure = part == LinePart.MEASURE
            mental_health = is_measure and line.concerns_mental_health
            kind = str(kinds.get(line.kind, "")) if is_measure and line.kind else ""
            rows.append([
                organisation.name,
                format_organisation_number(organisation.organisation_number),
                str(parts[part]),
                kind,
                line.title,
                str(yes if mental_health else no),
                line.amount_applied,
                decided.get((part.value, line.pk), line.proposed_award),
            ])
    return rows


def cell_safe(value):
    """Text that a spreadsheet would run as a formula, made plain text with a leading quote. Numbers
    (amounts) and empty cells are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _safe_rows(rows, header):
    return [[cell_safe(v) for v in row] for row in [header, *rows]]


def export_csv(rows: list[list], *, header: list[str] | None = None) -> bytes:
    """CSV as Excel opens it in Norway: UTF-8 with a byte order mark, semicolons between fields."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    for row in _safe_rows(rows, header if header is not None else export_header()):
        writer.writerow(["" if value is None else value for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def export_xlsx(rows: list[list], *, header: list[str] | None = None, title: str = "") -> bytes:
    """An Excel workbook with one sheet: a bold header row, amounts as numbers with thousands grouping."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = (title or _("Allocation"))[:31]
    header = header if header is not None else export_header()
    for row_number, row in enumerate([header, *rows], 1):
        for column, value in enumerate(row, 1):
            if isinstance(value, str):
                value = cell_safe(ILLEGAL_CHARACTERS_RE.sub("", value))  # no control characters Excel refuses
            cell = sheet.cell(row=row_number, column=column, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text says
            elif isinstance(value, int) and row_number > 1:
                cell.number_format = "#,##0"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    widths = [28, 14, 20, 30, 48, 12, 16, 16]
    for column, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
