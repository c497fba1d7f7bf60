"""casework_rows writes exactly what the board's and the list's template loops wrote (kept here as the
reference), in every branch and language."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from applications.models import ApplicationStatus
from casework.models import DecisionStatus
from casework.selectors import BoardRow, ListRow
from casework.templatetags.casework_rows import board_rows, round_application_rows

# The loop of casework/board.html before the rows were written in Python (with the words it translated
# once per page set as they were).
TEMPLATE_LOOP = (
    '{% load i18n portal_tags %}{% translate "rus og psykisk helse" as mental_health_word %}'
    '{% translate "competence plan up to date" as plan_words %}{% translate "not scored" as not_scored %}'
    '{% translate "not set" as not_set %}{% translate "No decision yet" as no_decision %}'
    '{% for row in board.rows %}\n      <tr>\n        {% if can_accept %}<td>\n          <input class="form-check-input" '
    'type="checkbox" name="applications" value="{{ row.application.pk }}" id="pick-{{ row.application.pk }}">\n'
    '          <label class="visually-hidden" for="pick-{{ row.application.pk }}">{% blocktranslate with '
    'organisation=row.application.organisation %}Accept the suggestion for {{ organisation }}{% endblocktranslate %}'
    '</label>\n        </td>{% endif %}\n        <td>{{ row.rank }}</td>\n        <th scope="row"><a href="{% url '
    "'office:decision' row.application.pk %}\">{{ row.application.organisation }}</a>\n          <div class=\"small "
    'text-body-secondary fw-normal">{{ row.application.get_status_display }}{% if row.mental_health_applied %} · '
    '{{ mental_health_word }}{% endif %}{% if row.plan_up_to_date %} · {{ plan_words }}{% endif %}</div></th>\n'
    '        <td class="text-end text-nowrap">{{ row.applied|kroner }}</td>\n        <td class="text-end">{% if '
    'row.score is None %}<span class="text-body-secondary">{{ not_scored }}</span>{% else %}{{ row.score }}{% endif %}'
    '</td>\n        <td class="text-end text-nowrap">{% if row.proposed is None %}<span class="text-body-secondary">'
    '{% if row.proposed_so_far %}{% blocktranslate with amount=row.proposed_so_far|kroner %}not set on every line '
    '({{ amount }} so far){% endblocktranslate %}{% else %}{{ not_set }}{% endif %}</span>{% else %}'
    '{{ row.proposed|kroner }}{% endif %}</td>\n        <td class="text-end text-nowrap">{{ row.suggested|kroner }}'
    '</td>\n        <td class="text-end text-nowrap">{% if row.difference is not None %}{{ row.difference|kroner }}'
    '{% endif %}</td>\n        <td>{{ row.decision_status|default:no_decision }}</td>\n      </tr>\n    {% endfor %}'
)


def _row(pk, organisation, status=ApplicationStatus.IN_ASSESSMENT, **values):
    row = dict(rank=pk, applied=1_500_000, score=None, proposed=None, proposed_so_far=0, suggested=250_000,
               decision_status="", mental_health_applied=0, plan_up_to_date=None)
    row.update(values)
    return BoardRow(key=pk, organisation=organisation, status=status, **row)


def _as_the_template_read_it(row: BoardRow) -> SimpleNamespace:
    """The row as the template loop read it: the application model, and the decision's label."""
    application = SimpleNamespace(pk=row.key, organisation=row.organisation,
                                  get_status_display=lambda: ApplicationStatus(row.status).label)
    decision = DecisionStatus(row.decision_status).label if row.decision_status else ""
    return SimpleNamespace(application=application, rank=row.rank, applied=row.applied, score=row.score,
                           proposed=row.proposed, proposed_so_far=row.proposed_so_far, suggested=row.suggested,
                           difference=row.difference, decision_status=decision,
                           mental_health_applied=row.mental_health_applied, plan_up_to_date=row.plan_up_to_date)


def _rows():
    return [
        _row(1, "Bø & Å <kommune>"),  # nothing scored, set or decided
        _row(2, "Oslo", score=87, proposed=1_200_000, mental_health_applied=300_000, suggested=250_000,
             plan_up_to_date=True, decision_status=DecisionStatus.SENT, status=ApplicationStatus.DECIDED),
        _row(3, "Ås", score=0, proposed_so_far=125_000, plan_up_to_date=False, suggested=0),
        _row(1234, 'Sa "Kommune"', score=5, proposed=0, status=ApplicationStatus.SUBMITTED,
             decision_status=DecisionStatus.PROPOSED),
    ]


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
@pytest.mark.parametrize("can_accept", [True, False])
def test_the_rows_are_the_templates(language, can_accept):
    with translation.override(language):
        expected = Template(TEMPLATE_LOOP).render(Context({"board": {"rows": [
            _as_the_template_read_it(row) for row in _rows()]}, "can_accept": can_accept}))
        assert board_rows(_rows(), can_accept) == expected
    assert "Bø &amp; Å &lt;kommune&gt;" in expected and "-250" in expected  # the cases are exercised
    assert ('id="pick-1234"' in expected) == can_accept


# The loop of casework/round_applications.html before the rows were written in Python.
LIST_LOOP = (
    '{% load i18n portal_tags %}{% translate "Yes" as yes %}{% translate "No" as no %}'
    '{% translate "No date given" as no_date %}{% for application in rows %}\n    <tr>\n      <th scope="row"><a '
    "href=\"{% url 'office:application' application.pk %}\">{{ application.organisation.name }}</a></th>\n"
    '      <td class="text-nowrap">{{ application.organisation.organisation_number|orgnr }}</td>\n'
    "      <td>{{ application.get_status_display }}</td>\n"
    '      <td class="text-end text-nowrap">{{ application.totals.applied|kroner }}</td>\n'
    "      <td>{% if application.has_mental_health %}{{ yes }}{% else %}{{ no }}{% endif %}</td>\n"
    "      <td>{% if application.plan_up_to_date %}{{ yes }}{% elif application.plan_up_to_date is False %}{{ no }}"
    "{% else %}{{ no_date }}{% endif %}</td>\n"
    '      <td class="text-end">{% if application.score is None %}–{% else %}{{ application.score }}{% endif %}</td>\n'
    '      <td class="text-nowrap">{{ application.submitted_at|deadline|default:"–" }}</td>\n'
    '      <td>{{ application.decision_label|default:"–" }}</td>\n    </tr>\n  {% endfor %}'
)


def _listed(pk, name, status=ApplicationStatus.SUBMITTED, **values):
    row = dict(organisation_number="974760673", applied=2_500_000, has_mental_health=False, plan_up_to_date=None,
               score=None, submitted_at=None, created_at=timezone.now(), decision_status="")
    row.update(values)
    if row["submitted_at"] == "now":
        row["submitted_at"] = timezone.make_aware(dt.datetime(2026, 2, 20, 23, 59))
    return ListRow(pk=pk, organisation_name=name, status=status, **row)


def _listed_as_the_template_read_it(row: ListRow) -> SimpleNamespace:
    """The row as the template loop read it: the application model with what the selector added."""
    return SimpleNamespace(
        pk=row.pk, organisation=SimpleNamespace(name=row.organisation_name, organisation_number=row.organisation_number),
        get_status_display=lambda: ApplicationStatus(row.status).label, totals=SimpleNamespace(applied=row.applied),
        has_mental_health=row.has_mental_health, plan_up_to_date=row.plan_up_to_date, score=row.score,
        submitted_at=row.submitted_at,
        decision_label=DecisionStatus(row.decision_status).label if row.decision_status else "")


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_lists_rows_are_the_templates(language):
    rows = [_listed(1, "Bø & Å <kommune>"),
            _listed(2, "Oslo", has_mental_health=True, plan_up_to_date=True, score=71, submitted_at="now",
                    decision_status=DecisionStatus.SENT, status=ApplicationStatus.DECIDED),
            _listed(1234, 'Sa "Kommune"', plan_up_to_date=False, score=0, submitted_at="now")]
    with translation.override(language):
        expected = Template(LIST_LOOP).render(Context({"rows": [_listed_as_the_template_read_it(row) for row in rows]}))
        assert round_application_rows(rows) == expected
    assert "Bø &amp; Å &lt;kommune&gt;" in expected and "974 760 673" in expected  # the cases are exercised
