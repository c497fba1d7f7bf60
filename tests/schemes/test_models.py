"""The round's facts the database and `clean()` keep in order, and when a round is open."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.schemes.factories import RoundFactory, oslo

pytestmark = pytest.mark.django_db


def test_one_round_per_scheme_office_and_year():
    first = RoundFactory()
    with pytest.raises(IntegrityError):
        RoundFactory(scheme=first.scheme, office=first.office, year=first.year)


def test_the_same_office_may_have_a_round_next_year():
    first = RoundFactory()
    RoundFactory(scheme=first.scheme, office=first.office, year=first.year + 1)


@pytest.mark.parametrize("overrides", [
    {"closes_at": oslo(2020, 1, 1), "opens_at": oslo(2020, 2, 1), "reporting_deadline": oslo(2021, 1, 1)},
    {"closes_at": oslo(2020, 2, 1), "opens_at": oslo(2020, 2, 1), "reporting_deadline": oslo(2021, 1, 1)},
    {"opens_at": oslo(2020, 1, 1), "closes_at": oslo(2020, 2, 20, 23, 59), "reporting_deadline": oslo(2020, 2, 1)},
    {"budget": 0},
], ids=["closes-before-opens", "closes-when-opens", "reporting-before-closes", "budget-zero"])
def test_the_database_refuses_rounds_whose_facts_are_out_of_order(overrides):
    with pytest.raises(IntegrityError), transaction.atomic():
        RoundFactory(**overrides)


def test_a_round_may_wait_for_its_budget_but_not_be_published_without_it():
    RoundFactory(budget=None, published=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoundFactory(budget=None, published=True)


@pytest.mark.parametrize("overrides,field", [
    ({"opens_at": oslo(2020, 3, 1)}, "closes_at"),
    ({"reporting_deadline": oslo(2020, 2, 1)}, "reporting_deadline"),
    ({"budget": 0}, "budget"),
    ({"budget": None, "published": True}, "budget"),
    ({"application_reminder_days": [14, -1]}, "application_reminder_days"),
])
def test_clean_names_the_field_that_is_wrong(overrides, field):
    facts = {"opens_at": oslo(2020, 1, 1), "closes_at": oslo(2020, 2, 20, 23, 59),
             "reporting_deadline": oslo(2021, 3, 1, 23, 59)}
    round_ = RoundFactory.build(**{**facts, **overrides})
    round_.scheme.save()
    round_.office.save()
    with pytest.raises(ValidationError) as error:
        round_.full_clean()
    assert field in error.value.message_dict


def test_a_deadline_of_2359_accepts_until_235959_plus_grace():
    round_ = RoundFactory.build(opens_at=oslo(2020, 1, 1), closes_at=oslo(2020, 2, 20, 23, 59), grace_minutes=0)
    assert round_.is_open(oslo(2020, 2, 20, 23, 59, 59))
    assert not round_.is_open(oslo(2020, 2, 21, 0, 0, 0))
    round_.grace_minutes = 15
    assert round_.is_open(oslo(2020, 2, 21, 0, 14, 59))
    assert not round_.is_open(oslo(2020, 2, 21, 0, 15, 0))
    assert round_.has_not_opened(oslo(2019, 12, 31, 23, 59))


def test_an_unpublished_round_is_never_open():
    round_ = RoundFactory.build(published=False)
    assert not round_.is_open()


def test_round_uses_the_schemes_eligible_kinds_unless_it_has_its_own():
    round_ = RoundFactory()
    assert round_.effective_eligible_kinds() == round_.scheme.eligible_kinds
    round_.eligible_kinds = ["municipality"]
    assert round_.effective_eligible_kinds() == ["municipality"]


# --- the weights of a round's criteria add up to 100 (schemes.rules) ---------------------------------

def test_criteria_weights_must_add_up_to_100(english):
    from schemes.rules import criteria_weights_problem

    assert criteria_weights_problem([15, 20, 20, 20, 15, 10]) == ""
    assert criteria_weights_problem([]) == ""  # none yet: the round gets the default criteria
    assert criteria_weights_problem([50, 40]) == (
        "The weights of the assessment criteria add up to 90; they must add up to 100.")
    assert "110" in criteria_weights_problem([60, 50])


def test_the_default_criteria_weigh_100():
    from schemes.models import DEFAULT_CRITERIA_WEIGHTS
    from schemes.rules import criteria_weights_problem

    assert criteria_weights_problem(list(DEFAULT_CRITERIA_WEIGHTS.values())) == ""
