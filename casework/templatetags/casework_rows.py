"""The rows of the caseworker's list and board, written in Python: the same HTML as the template
loops they replace, at a fraction of their cost (the template engine spent ~0.2-0.3 ms of CPU on each
of 52 rows: the pages grew 1.5-1.9x from 5 to 52 applications; issue 13).
tests/casework/test_rows.py renders both ways and compares them."""

from django import template
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from portal.formatting import deadline_text, format_organisation_number, kroner

register = template.Library()


def _e(value) -> str:
    """As `{{ value }}` writes it: localized, then escaped."""
    return conditional_escape(value if isinstance(value, str) else localize(value))


def _kroner(value) -> str:
    return conditional_escape(kroner(value))


@register.simple_tag
def board_rows(rows, can_accept: bool) -> SafeString:
    mental_health_word, plan_words = _e(_("rus og psykisk helse")), _e(_("competence plan up to date"))
    not_scored, not_set, no_decision = _e(_("not scored")), _e(_("not set")), _e(_("No decision yet"))
    html = []
    for row in rows:
        application = row.application
        pk, organisation = _e(application.pk), _e(application.organisation)
        pick = ""
        if can_accept:
            pick = (f'<td>\n          <input class="form-check-input" type="checkbox" name="applications" value="{pk}" '
                    f'id="pick-{pk}">\n          <label class="visually-hidden" for="pick-{pk}">'
                    + _("Accept the suggestion for %(organisation)s") % {"organisation": organisation}
                    + "</label>\n        </td>")
        notes = (f" · {mental_health_word}" if row.mental_health_applied else "") + (
            f" · {plan_words}" if row.plan_up_to_date else "")
        score = f'<span class="text-body-secondary">{not_scored}</span>' if row.score is None else _e(row.score)
        if row.proposed is not None:
            proposed = _kroner(row.proposed)
        elif row.proposed_so_far:
            proposed = ('<span class="text-body-secondary">'
                        + _("not set on every line (%(amount)s so far)") % {"amount": _kroner(row.proposed_so_far)}
                        + "</span>")
        else:
            proposed = f'<span class="text-body-secondary">{not_set}</span>'
        difference = "" if row.difference is None else _kroner(row.difference)
        html.append(
            f"\n      <tr>\n        {pick}\n        <td>{_e(row.rank)}</td>\n"
            f'        <th scope="row"><a href="{conditional_escape(reverse("office:decision", args=[application.pk]))}">'
            f"{organisation}</a>\n"
            f'          <div class="small text-body-secondary fw-normal">{_e(application.get_status_display())}{notes}'
            f"</div></th>\n"
            f'        <td class="text-end text-nowrap">{_kroner(row.applied)}</td>\n'
            f'        <td class="text-end">{score}</td>\n'
            f'        <td class="text-end text-nowrap">{proposed}</td>\n'
            f'        <td class="text-end text-nowrap">{_kroner(row.suggested)}</td>\n'
            f'        <td class="text-end text-nowrap">{difference}</td>\n'
            f"        <td>{_e(row.decision_status) if row.decision_status else no_decision}</td>\n"
            f"      </tr>\n    ")
    return mark_safe("".join(html))


@register.simple_tag
def round_application_rows(rows) -> SafeString:
    """The rows of the round's list (casework/round_applications.html)."""
    yes, no, no_date = _e(_("Yes")), _e(_("No")), _e(_("No date given"))
    html = []
    for application in rows:
        plan = yes if application.plan_up_to_date else no if application.plan_up_to_date is False else no_date
        html.append(
            "\n    <tr>\n"
            f'      <th scope="row"><a href="{conditional_escape(reverse("office:application", args=[application.pk]))}">'
            f"{_e(application.organisation.name)}</a></th>\n"
            f'      <td class="text-nowrap">'
            f"{conditional_escape(format_organisation_number(application.organisation.organisation_number))}</td>\n"
            f"      <td>{_e(application.get_status_display())}</td>\n"
            f'      <td class="text-end text-nowrap">{_kroner(application.totals.applied)}</td>\n'
            f"      <td>{yes if application.has_mental_health else no}</td>\n"
            f"      <td>{plan}</td>\n"
            f'      <td class="text-end">{"–" if application.score is None else _e(application.score)}</td>\n'
            f'      <td class="text-nowrap">{conditional_escape(deadline_text(application.submitted_at)) or "–"}</td>\n'
            f"      <td>{_e(application.decision_label) if application.decision_label else '–'}</td>\n"
            "    </tr>\n  ")
    return mark_safe("".join(html))
