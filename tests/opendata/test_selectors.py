"""What open data reads: only sent decisions (the publication rule), and figures that equal the
sums worked out by hand from the lines the factories made."""

import datetime as dt

import pytest

from applications.models import MeasureKind
from casework.workflow import DECISION
from opendata.rules import decision_published
from opendata.selectors import grants_published, round_published_get, rounds_published
from portal.models import Office, Organisation
from tests.applications.factories import ApplicationFactory
from tests.casework.factories import letter_stored
from tests.opendata.factories import decided, simple
from tests.portal.factories import OrganisationFactory
from tests.schemes.factories import RoundFactory, oslo

pytestmark = pytest.mark.django_db

FURTHER, BASIC, LEADERSHIP = MeasureKind.FURTHER_EDUCATION, MeasureKind.BASIC_EDUCATION, MeasureKind.LEADERSHIP


def test_a_decision_is_published_when_its_letter_is_sent_and_not_before(round_):
    proposed = simple(round_, approved=False, sent=False)
    approved = simple(round_, sent=False)
    sent = simple(round_)
    assert [decision_published(d) for d in (None, proposed, approved, sent)] == [False, False, False, True]


def test_a_round_without_a_sent_decision_is_not_published(round_):
    simple(round_, approved=False, sent=False)
    simple(round_, sent=False)  # approved, its letter not sent

    assert rounds_published() == []
    assert round_published_get(round_id=round_.pk) is None


def test_only_the_sent_decisions_of_a_round_are_its_grants(round_):
    sent = simple(round_, awarded=150_000)
    simple(round_, awarded=90_000, sent=False)  # approved, not sent

    published = round_published_get(round_id=round_.pk)
    grants = grants_published(round_=published)

    assert [g.organisation for g in grants] == [sent.application.organisation.name]
    assert published.decisions_published == 1
    assert published.amount_awarded == 150_000
    assert published.all_decisions_sent is False  # one application still waits for its letter


def test_the_round_is_final_when_every_application_in_play_has_its_letter(round_):
    simple(round_)
    ApplicationFactory(round=round_)  # a draft is not in play
    ApplicationFactory(round=round_, withdrawn=True)  # nor a withdrawn application

    assert round_published_get(round_id=round_.pk).all_decisions_sent is True

    ApplicationFactory(round=round_, submitted=True)  # one still to be decided
    assert round_published_get(round_id=round_.pk).all_decisions_sent is False


def test_grants_per_part_and_kind_equal_the_sums_by_hand(round_):
    organisation = OrganisationFactory(county=round_.office.counties.first(), name="Aaa kommune")
    decision = decided(
        round_, organisation=organisation,
        measures=[(FURTHER, 200_000, 150_000), (FURTHER, 100_000, 100_000), (BASIC, 80_000, 0),
                  (LEADERSHIP, 60_000, 30_000)],
        projects=[(400_000, 250_000), (300_000, 50_000)],
    )
    rejected = decided(round_, measures=[(FURTHER, 100_000, 0)])  # nothing awarded: no grant

    grants = grants_published(round_=round_published_get(round_id=round_.pk))

    assert [(g.part, g.kind, g.amount_awarded) for g in grants] == [
        ("measure", "further_education", 150_000 + 100_000),
        ("measure", "leadership", 30_000),
        ("project", None, 250_000 + 50_000),
    ]  # basic education was awarded 0: not a grant
    assert {g.organisation_number for g in grants} == {organisation.organisation_number}
    assert sum(g.amount_awarded for g in grants) == decision.total_awarded == 580_000
    published = round_published_get(round_id=round_.pk)
    assert published.decisions_published == 2  # the rejection is published, it has no grant
    assert published.amount_awarded == 580_000 + rejected.total_awarded == 580_000


def test_the_decision_date_is_the_letters_date_in_oslo(round_):
    approved_at = oslo(2026, 3, 31, 23, 30)  # 21:30 UTC: still the 31st in Oslo
    decision = decided(round_, measures=[(FURTHER, 200_000, 200_000)], sent=False)
    decision.refresh_from_db()
    assert decision.approved_at is not None
    decision.approved_at = approved_at
    decision.save(update_fields=["approved_at"])
    DECISION.perform(letter_stored(decision), "send", user=decision.test_caseworker)

    [grant] = grants_published(round_=round_published_get(round_id=round_.pk))
    assert grant.decision_date == dt.date(2026, 3, 31)


def test_the_office_is_named_as_in_the_rounds_year_in_bokmal(reference_data):
    nordland = Office.objects.get(name__endswith="Nordland")
    bodo = Organisation.objects.get(name__startswith="Bodø")  # the reference data's real municipalities
    round_2020 = RoundFactory(office=nordland, year=2020, with_criteria=True)
    round_2022 = RoundFactory(office=nordland, year=2022, with_criteria=True)
    simple(round_2020, organisation=bodo)
    simple(round_2022, organisation=bodo)

    names = {r.year: r.office for r in rounds_published()}
    assert names == {2020: "Fylkesmannen i Nordland", 2022: "Statsforvalteren i Nordland"}


def test_rounds_newest_year_first_each_with_its_own_figures(reference_data):
    older, newer = RoundFactory(year=2021, with_criteria=True), RoundFactory(year=2023, with_criteria=True)
    simple(older, awarded=10_000)
    simple(older, awarded=20_000)
    simple(newer, awarded=70_000)

    assert [(r.id, r.decisions_published, r.amount_awarded) for r in rounds_published()] == [
        (newer.pk, 1, 70_000), (older.pk, 2, 30_000)]
