"""A dashboard's table as CSV or as a spreadsheet, through the office's export helpers
(`casework.exports`: formula-safe text, amounts as numbers). Shares and multiples are numbers with
one decimal: in the CSV written with the reader's decimal separator (Excel in Norway reads "12,5"),
in the spreadsheet as numbers."""

from decimal import Decimal

from django.utils.formats import number_format

from casework.exports import export_csv, export_xlsx

from .tables import Table


def table_csv(table: Table) -> bytes:
    rows = [[number_format(value, 1) if isinstance(value, Decimal) else value for value in row]
            for row in table.all_rows]
    return export_csv(rows, header=table.header)


def table_xlsx(table: Table) -> bytes:
    rows = [[float(value) if isinstance(value, Decimal) else value for value in row] for row in table.all_rows]
    return export_xlsx(rows, header=table.header, title=table.caption)
