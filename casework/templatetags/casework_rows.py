"""The rows of the caseworker's list and board, written in Python: the same HTML as the template
loops they replace, at a fraction of their cost (the template engine spent ~0.2-0.3 ms of CPU on each
of 52 rows: the pages grew 1.5-1.9x from 5 to 52 applications; issue 13). Whatever depends on the
request (the language's words and labels, the time zone, the URL prefix) is looked up once per page,
not once per row, so a row costs a few string operations (tests/casework/test_rows.py renders both
ways and compares them).

The rows are the selectors' value rows (`selectors.ListRow`, `selectors.BoardRow`): plain strings
and numbers, escaped here with `html.escape` as `{{ value }}` would (`_e`)."""

from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from applications.models import Application
from portal.formatting import deadline_formatter, format_organisation_number, kroner_formatter
from portal.i18n import choice_labels

from ..models import Decision

register = template.Library()

_PK = 2_147_483_647  # stands for the row's id in a URL reversed once per page


def _e(value) -> str:
    """As `{{ value }}` writes a plain string or a whole number (USE_THOUSAND_SEPARATOR is off:
    localize() writes an int as str() does)."""
    return escape(value if isinstance(value, str) else str(value))


def _url_of(viewname: str):
    """The escaped URL of `viewname` for an id, reversed once: (prefix, suffix) around the id."""
    prefix, _pk, suffix = reverse(viewname, args=[_PK]).rpartition(str(_PK))
    return escape(prefix), escape(suffix)


def _labels(model, field: str) -> dict:
    """{value: escaped label} of a field's choices, in the active language."""
    return {value: escape(label) for value, label in choice_labels(model, field).items()}


@register.simple_tag
def board_rows(rows, can_accept: bool) -> SafeString:
    """The rows of the prioritisation board (casework/board.html)."""
    mental_health_word, plan_words = _e(_("rus og psykisk helse")), _e(_("competence plan up to date"))
    not_scored, not_set, no_decision = _e(_("not scored")), _e(_("not set")), _e(_("No decision yet"))
    accept_for, so_far = _("Accept the suggestion for %(organisation)s"), _("not set on every line (%(amount)s so far)")
    statuses, decisions = _labels(Application, "status"), _labels(Decision, "status")
    url_prefix, url_suffix = _url_of("office:decision")
    kroner = kroner_formatter()
    html = []
    for row in rows:
        pk, organisation = row.key, escape(row.organisation)
        pick = ""
        if can_accept:
            pick = (f'<td>\n          <input class="form-check-input" type="checkbox" name="applications" value="{pk}" '
                    f'id="pick-{pk}">\n          <label class="visually-hidden" for="pick-{pk}">'
                    + accept_for % {"organisation": organisation} + "</label>\n        </td>")
        notes = (f" · {mental_health_word}" if row.mental_health_applied else "") + (
            f" · {plan_words}" if row.plan_up_to_date else "")
        score = f'<span class="text-body-secondary">{not_scored}</span>' if row.score is None else _e(row.score)
        if row.proposed is not None:
            proposed = escape(kroner(row.proposed))
        elif row.proposed_so_far:
            proposed = ('<span class="text-body-secondary">'
                        + so_far % {"amount": escape(kroner(row.proposed_so_far))} + "</span>")
        else:
            proposed = f'<span class="text-body-secondary">{not_set}</span>'
        difference = row.difference
        decision = decisions.get(row.decision_status, _e(row.decision_status)) if row.decision_status else no_decision
        html.append(
            f"\n      <tr>\n        {pick}\n        <td>{_e(row.rank)}</td>\n"
            f'        <th scope="row"><a href="{url_prefix}{pk}{url_suffix}">{organisation}</a>\n'
            f'          <div class="small text-body-secondary fw-normal">'
            f"{statuses.get(row.status, _e(row.status))}{notes}</div></th>\n"
            f'        <td class="text-end text-nowrap">{escape(kroner(row.applied))}</td>\n'
            f'        <td class="text-end">{score}</td>\n'
            f'        <td class="text-end text-nowrap">{proposed}</td>\n'
            f'        <td class="text-end text-nowrap">{escape(kroner(row.suggested))}</td>\n'
            f'        <td class="text-end text-nowrap">{"" if difference is None else escape(kroner(difference))}</td>\n'
            f"        <td>{decision}</td>\n"
            f"      </tr>\n    ")
    return mark_safe("".join(html))


@register.simple_tag
def round_application_rows(rows) -> SafeString:
    """The rows of the round's list (casework/round_applications.html)."""
    yes, no, no_date = _e(_("Yes")), _e(_("No")), _e(_("No date given"))
    statuses, decisions = _labels(Application, "status"), _labels(Decision, "status")
    url_prefix, url_suffix = _url_of("office:application")
    kroner, deadline = kroner_formatter(), deadline_formatter()
    html = []
    for row in rows:
        plan = yes if row.plan_up_to_date else no if row.plan_up_to_date is False else no_date
        decision = decisions.get(row.decision_status, _e(row.decision_status)) if row.decision_status else "–"
        html.append(
            "\n    <tr>\n"
            f'      <th scope="row"><a href="{url_prefix}{row.pk}{url_suffix}">{escape(row.organisation_name)}</a></th>\n'
            f'      <td class="text-nowrap">{escape(format_organisation_number(row.organisation_number))}</td>\n'
            f"      <td>{statuses.get(row.status, _e(row.status))}</td>\n"
            f'      <td class="text-end text-nowrap">{escape(kroner(row.applied))}</td>\n'
            f"      <td>{yes if row.has_mental_health else no}</td>\n"
            f"      <td>{plan}</td>\n"
            f'      <td class="text-end">{"–" if row.score is None else _e(row.score)}</td>\n'
            f'      <td class="text-nowrap">{escape(deadline(row.submitted_at)) or "–"}</td>\n'
            f"      <td>{decision}</td>\n"
            "    </tr>\n  ")
    return mark_safe("".join(html))
