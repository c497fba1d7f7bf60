"""The charts of each dashboard, each with its title and the sentence that says what it shows, built
from the same figures as the tables beside them (`tables`)."""

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from applications.models import ApplicationStatus, LinePart, MeasureKind
from portal.formatting import kroner
from portal.offices import office_title

from .charts import Chart, bar_chart
from .selectors import Figures, NationalDashboard, RoundDashboard
from .tables import part_label


def _count(value: int) -> str:
    return str(value)


def money_chart(figures: Figures, key: str = "money") -> Chart:
    if figures.ratio is not None:
        summary = _("The budget is %(budget)s; the applications ask for %(applied)s, %(ratio)s times the budget. "
                    "%(proposed)s is proposed, %(awarded)s awarded, and %(remaining)s of the budget is not "
                    "proposed.")
    else:
        summary = _("There is no budget; the applications ask for %(applied)s. %(proposed)s is proposed and "
                    "%(awarded)s awarded.")
    summary %= {"budget": kroner(figures.budget), "applied": kroner(figures.applied),
                "ratio": number_format(figures.ratio or 0, 1), "proposed": kroner(figures.proposed),
                "awarded": kroner(figures.awarded), "remaining": kroner(figures.remaining)}
    return bar_chart(key=key, title=_("Budget, applied for, proposed and awarded"), summary=summary,
                     categories=[_("Budget"), _("Applied for"), _("Proposed"), _("Awarded")],
                     series=[(_("Kroner"), [figures.budget, figures.applied, figures.proposed, figures.awarded])],
                     value_text=kroner)


def _applied_awarded(key: str, title: str, rows: list[tuple[str, int, int]], summary: str) -> Chart:
    return bar_chart(key=key, title=title, summary=summary, categories=[label for label, _a, _b in rows],
                     series=[(_("Applied for"), [applied for _l, applied, _b in rows]),
                             (_("Awarded"), [awarded for _l, _a, awarded in rows])], value_text=kroner)


def _pairs_sentence(rows: list[tuple[str, int, int]]) -> str:
    return "; ".join(_("%(label)s: %(applied)s applied for, %(awarded)s awarded") % {
        "label": label, "applied": kroner(applied), "awarded": kroner(awarded)} for label, applied, awarded in rows)


def parts_chart(figures: Figures) -> Chart:
    rows = [(part_label(part), figures.parts[part].applied, figures.parts[part].awarded) for part in LinePart.values]
    return _applied_awarded("parts", _("Applied for and awarded, by part"), rows, _pairs_sentence(rows) + ".")


def kinds_chart(figures: Figures) -> Chart:
    labels = {**dict(MeasureKind.choices), "": _("Kind not given")}  # as the table beside it: the same rows
    rows = [(str(labels[kind]), amounts.applied, amounts.awarded) for kind, amounts in figures.kinds.items()
            if kind or amounts.applied]
    return _applied_awarded("kinds", _("Competence measures: applied for and awarded, by kind"), rows,
                            _pairs_sentence(rows) + ".")


def municipalities_chart(dashboard: RoundDashboard) -> Chart:
    rows = [(row.name, row.amounts.applied, row.amounts.awarded) for row in dashboard.municipalities]
    if rows:
        most = max(rows, key=lambda row: row[1])
        summary = ngettext(
            "%(count)d organisation applies; %(name)s asks for the most, %(applied)s (awarded %(awarded)s).",
            "%(count)d organisations apply; %(name)s asks for the most, %(applied)s (awarded %(awarded)s).",
            len(rows)) % {"count": len(rows), "name": most[0], "applied": kroner(most[1]), "awarded": kroner(most[2])}
    else:
        summary = _("No organisation has an application in play.")
    return _applied_awarded("municipalities", _("Applied for and awarded, per municipality"), rows, summary)


def statuses_chart(figures: Figures, key: str = "statuses") -> Chart:
    rows = [(str(ApplicationStatus(status).label), count) for status, count in figures.statuses.items()]
    summary = ngettext("%(count)d application received: %(detail)s.",
                       "%(count)d applications received: %(detail)s.", figures.applications) % {
        "count": figures.applications, "detail": ", ".join(f"{label} {count}" for label, count in rows if count)
        or _("none yet")}
    return bar_chart(key=key, title=_("Applications by status"), summary=summary,
                     categories=[label for label, _c in rows],
                     series=[(_("Applications"), [count for _l, count in rows])], value_text=_count)


def round_charts(dashboard: RoundDashboard) -> dict[str, Chart]:
    """The charts of a round's dashboard, by the key of the table that holds their numbers."""
    figures = dashboard.figures
    return {"money": money_chart(figures), "parts": parts_chart(figures), "kinds": kinds_chart(figures),
            "municipalities": municipalities_chart(dashboard), "statuses": statuses_chart(figures)}


def _budget_applied_awarded(key: str, title: str, rows: list[tuple[str, Figures]], summary: str) -> Chart:
    return bar_chart(key=key, title=title, summary=summary, categories=[label for label, _f in rows],
                     series=[(_("Budget"), [f.budget for _l, f in rows]),
                             (_("Applied for"), [f.applied for _l, f in rows]),
                             (_("Awarded"), [f.awarded for _l, f in rows])], value_text=kroner)


def national_charts(dashboard: NationalDashboard) -> dict[str, Chart]:
    offices = [(office_title(office, dashboard.year), figures) for office, figures in dashboard.offices]
    total = dashboard.total
    offices_summary = _("In %(year)s the offices' budgets add up to %(budget)s; the applications ask for "
                        "%(applied)s and %(awarded)s is awarded.") % {
        "year": dashboard.year, "budget": kroner(total.budget), "applied": kroner(total.applied),
        "awarded": kroner(total.awarded)}
    years = [(str(year), figures) for year, figures in dashboard.years]
    years_summary = "; ".join(_("%(year)s: budget %(budget)s, applied for %(applied)s, awarded %(awarded)s") % {
        "year": year, "budget": kroner(f.budget), "applied": kroner(f.applied), "awarded": kroner(f.awarded)}
        for year, f in years) + "."
    return {
        "offices": _budget_applied_awarded("offices", _("Budget, applied for and awarded, per office"), offices,
                                           offices_summary),
        "years": _budget_applied_awarded("years", _("Budget, applied for and awarded, year over year"), years,
                                         years_summary),
        "money": money_chart(total), "parts": parts_chart(total), "kinds": kinds_chart(total),
        "statuses": statuses_chart(total),
    }
