"""The round's services: copying a round to next year, and its default assessment criteria."""

import pytest
from django.utils import timezone

from schemes.exceptions import RoundCopyError
from schemes.models import AssessmentCriterion, CriterionKind, Round
from schemes.services import round_copy_to_next_year, round_create_default_criteria
from tests.schemes.factories import RoundDocumentFactory, RoundFactory, oslo

pytestmark = pytest.mark.django_db


def test_copy_to_next_year_moves_dates_one_year_and_leaves_the_budget_to_the_admin():
    original = RoundFactory(
        year=2020, opens_at=oslo(2019, 12, 2, 8), closes_at=oslo(2020, 2, 20, 23, 59),
        reporting_deadline=oslo(2020, 3, 1, 23, 59), grace_minutes=10, budget=9_800_000,
        application_reminder_days=[10, 2], with_criteria=True,
    )
    RoundDocumentFactory(round=original, title="Regelverk", url="https://example.org/regelverk")

    copy = round_copy_to_next_year(round=original)

    assert copy.pk != original.pk
    assert copy.year == 2021
    assert (copy.opens_at, copy.closes_at, copy.reporting_deadline) == (
        oslo(2020, 12, 2, 8), oslo(2021, 2, 20, 23, 59), oslo(2021, 3, 1, 23, 59))
    assert copy.budget is None and copy.published is False
    assert (copy.grace_minutes, copy.application_reminder_days, copy.contact_email) == (
        10, [10, 2], original.contact_email)
    assert list(copy.criteria.values_list("kind", "weight")) == list(original.criteria.values_list("kind", "weight"))
    assert list(copy.documents.values_list("title", "url")) == [("Regelverk", "https://example.org/regelverk")]
    original.refresh_from_db()
    assert original.budget == 9_800_000 and original.year == 2020


def test_copy_keeps_the_local_time_across_daylight_saving():
    # 20.03.2020 23:59 is winter time (UTC+1); 20.03.2021 23:59 too, but 30.03 crosses into summer time.
    original = RoundFactory(year=2020, opens_at=oslo(2020, 1, 1), closes_at=oslo(2020, 3, 30, 23, 59),
                            reporting_deadline=oslo(2021, 3, 1, 23, 59))
    copy = round_copy_to_next_year(round=original)
    assert timezone.localtime(copy.closes_at).strftime("%d.%m.%Y %H:%M") == "30.03.2021 23:59"


def test_copy_refuses_when_next_year_exists():
    original = RoundFactory(year=2020)
    RoundFactory(scheme=original.scheme, office=original.office, year=2021)
    with pytest.raises(RoundCopyError):
        round_copy_to_next_year(round=original)
    assert Round.objects.count() == 2


def test_default_criteria_are_the_seeds_six_and_made_once():
    round_ = RoundFactory()
    round_create_default_criteria(round=round_)
    round_create_default_criteria(round=round_)
    kinds = set(AssessmentCriterion.objects.filter(round=round_).values_list("kind", flat=True))
    assert kinds == {k for k in CriterionKind.values if k != CriterionKind.CUSTOM}
