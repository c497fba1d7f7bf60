"""Office admins configure only their own office's rounds; national admins edit the scheme."""

import pytest
from django.urls import reverse

from portal.models import Role
from schemes.models import Round, RoundChange, RoundChangeKind, Scheme
from tests.casework.factories import assessed
from tests.helpers import in_english, messages_of
from tests.portal.factories import MembershipFactory, UserFactory, reference_office

pytestmark = pytest.mark.django_db


@pytest.fixture
def nordland_round(demo):
    return Round.objects.get(office__slug="fylkesmannen-i-nordland", year=2020)


def admin_of(slug, client):
    membership = MembershipFactory(role=Role.OFFICE_ADMIN, office=reference_office(slug))
    client.force_login(membership.user)
    return membership.user


def round_form_data(round_, **overrides):
    data = {
        "scheme": round_.scheme_id, "office": round_.office_id, "year": round_.year, "published": "on",
        "budget": round_.budget, "grace_minutes": 0,
        "opens_at_0": "02.12.2019", "opens_at_1": "08:00",
        "closes_at_0": "20.02.2020", "closes_at_1": "23:59",
        "reporting_deadline_0": "01.03.2020", "reporting_deadline_1": "23:59",
        "contact_email": round_.contact_email, "contact_name": "", "contact_phone": "",
        "description": "", "description_nn": "", "description_en": "",
        "competence_plan_required": "on", "competence_plan_max_age_months": 48,
        "auditor_statement_threshold": 200000,
        "application_reminder_days": "14, 7, 1", "reporting_reminder_days": "60, 14, 1",
        "criteria-TOTAL_FORMS": 0, "criteria-INITIAL_FORMS": 0,
        "documents-TOTAL_FORMS": 0, "documents-INITIAL_FORMS": 0,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_rogaland_admin_neither_sees_nor_changes_nordlands_round(client, nordland_round):
    admin_of("fylkesmannen-i-rogaland", client)
    changelist = client.get(reverse("admin:schemes_round_changelist"))
    assert changelist.status_code == 200
    change_url = reverse("admin:schemes_round_change", args=[nordland_round.pk])
    assert change_url not in changelist.content.decode()
    response = client.get(change_url)
    assert response.status_code in (302, 403, 404)
    assert b"fmnopost@fylkesmannen.no" not in response.content
    client.post(change_url, round_form_data(nordland_round, budget=1))
    nordland_round.refresh_from_db()
    assert nordland_round.budget == 9_800_000


def test_nordland_admin_changes_the_budget_of_nordlands_round(client, nordland_round):
    admin_of("fylkesmannen-i-nordland", client)
    change_url = reverse("admin:schemes_round_change", args=[nordland_round.pk])
    response = client.post(change_url, round_form_data(nordland_round, budget=11_000_000))
    assert response.status_code == 302, response.content.decode()[:3000]
    nordland_round.refresh_from_db()
    assert nordland_round.budget == 11_000_000


def test_an_admin_cannot_move_a_round_to_another_office(client, nordland_round):
    admin_of("fylkesmannen-i-nordland", client)
    rogaland = reference_office("fylkesmannen-i-rogaland")
    response = client.post(reverse("admin:schemes_round_change", args=[nordland_round.pk]),
                           round_form_data(nordland_round, office=rogaland.pk))
    assert response.status_code == 200
    nordland_round.refresh_from_db()
    assert nordland_round.office.slug == "fylkesmannen-i-nordland"


@pytest.mark.parametrize("overrides,field,message", [
    ({"closes_at_0": "01.12.2019"}, "closes_at", "Søknadsfristen må være etter at runden åpner."),
    ({"reporting_deadline_0": "01.02.2020"}, "reporting_deadline", "Rapporteringsfristen må være etter søknadsfristen."),
    ({"budget": 0}, "budget", "Budsjettet må være mer enn 0 kroner."),
])
def test_bad_round_input_gets_a_message_on_the_field_and_nothing_is_saved(client, nordland_round, overrides, field, message):
    admin_of("fylkesmannen-i-nordland", client)
    response = client.post(reverse("admin:schemes_round_change", args=[nordland_round.pk]),
                           round_form_data(nordland_round, **overrides))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in errors.get(field, []) + errors.get("__all__", []), errors
    nordland_round.refresh_from_db()
    assert nordland_round.budget == 9_800_000
    assert nordland_round.closes_at.day == 20


def test_copy_action_copies_own_round_to_next_year_without_budget(client, nordland_round):
    admin_of("fylkesmannen-i-nordland", client)
    response = client.post(reverse("admin:schemes_round_changelist"),
                           {"action": "copy_to_next_year", "_selected_action": [nordland_round.pk]})
    assert response.status_code == 302
    copy = Round.objects.get(office=nordland_round.office, year=2021)
    assert copy.budget is None and not copy.published


def test_copy_action_refuses_another_offices_round(client, nordland_round):
    admin_of("fylkesmannen-i-rogaland", client)
    client.post(reverse("admin:schemes_round_changelist"),
                {"action": "copy_to_next_year", "_selected_action": [nordland_round.pk]})
    assert not Round.objects.filter(year=2021).exists()


def test_office_admin_can_only_pick_own_office_for_a_new_round(client, demo):
    admin_of("fylkesmannen-i-nordland", client)
    response = client.get(reverse("admin:schemes_round_add"))
    offices = list(response.context["adminform"].form.fields["office"].queryset)
    assert [o.slug for o in offices] == ["fylkesmannen-i-nordland"]


def test_national_admin_edits_the_scheme_and_office_admin_cannot(client, demo):
    scheme = Scheme.objects.get()
    url = reverse("admin:schemes_scheme_change", args=[scheme.pk])
    admin_of("fylkesmannen-i-nordland", client)
    response = client.get(url)
    assert response.status_code == 200 and b'name="main_goal"' not in response.content  # view only
    national = MembershipFactory(role=Role.NATIONAL_ADMIN).user
    client.force_login(national)
    response = client.get(url)
    assert b'name="main_goal"' in response.content


def test_municipal_users_and_strangers_do_not_get_into_the_admin(client, demo):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    client.force_login(MembershipFactory(role=Role.EDITOR).user)
    assert client.get(reverse("admin:index")).status_code == 302
    client.force_login(UserFactory())
    assert client.get(reverse("admin:schemes_round_changelist")).status_code == 302


# --- the round's criteria and documents: the office admin sets them ----------------------------------

def criteria_data(round_, weights: dict, **extra):
    """The round's form with its criteria as they are, their weights replaced by `weights` ({kind: weight})."""
    criteria = list(round_.criteria.all())
    data = {"criteria-TOTAL_FORMS": len(criteria), "criteria-INITIAL_FORMS": len(criteria)}
    for index, criterion in enumerate(criteria):
        data.update({
            f"criteria-{index}-id": criterion.pk, f"criteria-{index}-round": round_.pk,
            f"criteria-{index}-position": criterion.position, f"criteria-{index}-kind": criterion.kind,
            f"criteria-{index}-name": criterion.name,
            f"criteria-{index}-weight": weights.get(criterion.kind, criterion.weight),
        })
    data.update(extra)
    return round_form_data(round_, **data)


def test_the_office_admin_sees_the_criteria_and_documents_of_own_round(client, nordland_round):
    admin_of("fylkesmannen-i-nordland", client)
    page = client.get(reverse("admin:schemes_round_change", args=[nordland_round.pk])).content.decode()
    assert 'name="criteria-0-weight"' in page
    assert 'name="documents-0-title"' in page


def test_weights_adding_up_to_100_are_saved(client, nordland_round):
    admin_of("fylkesmannen-i-nordland", client)
    response = client.post(reverse("admin:schemes_round_change", args=[nordland_round.pk]),
                           criteria_data(nordland_round, {"competence_plan": 25,
                                                          "mental_health": 10}))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert nordland_round.criteria.get(kind="competence_plan").weight == 25
    assert sum(nordland_round.criteria.values_list("weight", flat=True)) == 100


def test_weights_not_adding_up_to_100_get_a_clear_error_and_nothing_is_saved(client, nordland_round, english):
    admin_of("fylkesmannen-i-nordland", in_english(client))
    response = client.post(reverse("admin:schemes_round_change", args=[nordland_round.pk]),
                           criteria_data(nordland_round, {"competence_plan": 5}, budget=11_000_000))
    assert response.status_code == 200
    formset = next(f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "criteria").formset
    assert formset.non_form_errors() == [
        "The weights of the assessment criteria add up to 90; they must add up to 100."]
    assert "add up to 90" in response.content.decode()
    nordland_round.refresh_from_db()
    assert nordland_round.budget == 9_800_000
    assert nordland_round.criteria.get(kind="competence_plan").weight == 15


def test_a_round_left_without_criteria_gets_the_default_criteria_again(client, nordland_round):
    admin_of("fylkesmannen-i-nordland", client)
    data = criteria_data(nordland_round, {})
    for index in range(nordland_round.criteria.count()):
        data[f"criteria-{index}-DELETE"] = "on"
    response = client.post(reverse("admin:schemes_round_change", args=[nordland_round.pk]), data)
    assert response.status_code == 302
    assert sum(nordland_round.criteria.values_list("weight", flat=True)) == 100


def test_another_offices_admin_cannot_change_the_criteria(client, nordland_round):
    admin_of("fylkesmannen-i-rogaland", client)
    client.post(reverse("admin:schemes_round_change", args=[nordland_round.pk]),
                criteria_data(nordland_round, {"competence_plan": 25, "mental_health": 10}))
    assert nordland_round.criteria.get(kind="competence_plan").weight == 15


def test_the_national_admin_may_look_at_a_rounds_criteria_but_not_change_them(client, nordland_round):
    client.force_login(MembershipFactory(role=Role.NATIONAL_ADMIN).user)
    page = client.get(reverse("admin:schemes_round_change", args=[nordland_round.pk]))
    assert page.status_code == 200
    assert 'name="criteria-0-weight"' not in page.content.decode()
    assert "Competence plan up to date" in page.content.decode() or "Kompetanseplan" in page.content.decode()


def test_every_input_of_the_round_page_has_a_name_a_screen_reader_reads(client, nordland_round):
    admin_of("fylkesmannen-i-nordland", client)
    page = in_english(client).get(reverse("admin:schemes_round_change", args=[nordland_round.pk])).content.decode()
    assert 'aria-label="Opens, date"' in page and 'aria-label="Opens, time"' in page
    assert 'aria-label="Reporting deadline, time"' in page
    assert 'aria-label="Weight, row 1"' in page and 'aria-label="Delete, row 6"' in page
    assert 'aria-label="Title, row 1"' in page


def test_once_an_application_is_scored_the_criteria_and_weights_no_longer_change(client, nordland_round):
    """Every application of a round is ranked on the same terms: the office admin sees why."""
    weights = dict(nordland_round.criteria.values_list("kind", "weight"))
    assessed(nordland_round, 300_000)
    admin_of("fylkesmannen-i-nordland", in_english(client))
    url = reverse("admin:schemes_round_change", args=[nordland_round.pk])
    page = client.get(url)
    assert messages_of(page) == [
        "The assessment criteria and their weights can no longer change: 1 application of the round is scored "
        "with them."]
    assert 'name="criteria-0-weight"' not in page.content.decode()
    client.post(url, criteria_data(nordland_round, {"competence_plan": 5}))
    assert dict(nordland_round.criteria.values_list("kind", "weight")) == weights


# --- the audit trail: every change to a round's settings, with before and after ---------------------


def test_a_budget_change_in_the_admin_is_in_the_audit_trail_with_before_and_after(client, nordland_round):
    admin = admin_of("fylkesmannen-i-nordland", client)
    client.post(reverse("admin:schemes_round_change", args=[nordland_round.pk]),
                round_form_data(nordland_round, budget=11_000_000, application_reminder_days="10, 2"))
    change = RoundChange.objects.get(round=nordland_round)
    assert (change.kind, change.actor, change.office_id) == (RoundChangeKind.CHANGED, admin, nordland_round.office_id)
    assert change.data["fields"]["budget"] == {"from": 9800000, "to": 11000000}
    assert change.data["fields"]["application_reminder_days"]["to"] == [10, 2]


def test_criteria_changes_are_in_the_audit_trail_and_a_save_that_changes_nothing_is_not(client, nordland_round):
    admin_of("fylkesmannen-i-nordland", client)
    change_url = reverse("admin:schemes_round_change", args=[nordland_round.pk])
    client.post(change_url, criteria_data(nordland_round, {"competence_plan": 25, "mental_health": 10}))
    change = RoundChange.objects.get(round=nordland_round)
    assert {part["action"] for part in change.data["criteria"]} == {"changed"}
    assert any(part["fields"].get("weight") for part in change.data["criteria"])
    client.post(change_url, criteria_data(nordland_round, {}))
    assert RoundChange.objects.filter(round=nordland_round).count() == 1


def test_copying_and_deleting_a_round_are_in_the_audit_trail(client, nordland_round):
    admin_of("fylkesmannen-i-nordland", client)
    client.post(reverse("admin:schemes_round_changelist"),
                {"action": "copy_to_next_year", "_selected_action": [nordland_round.pk]})
    copy = Round.objects.get(office=nordland_round.office, year=2021)
    assert RoundChange.objects.get(round=copy).kind == RoundChangeKind.COPIED
    response = client.post(reverse("admin:schemes_round_delete", args=[copy.pk]), {"post": "yes"})
    assert response.status_code == 302 and not Round.objects.filter(pk=copy.pk).exists()
    kinds = list(RoundChange.objects.filter(round_id=copy.pk).values_list("kind", flat=True))
    assert kinds == [RoundChangeKind.DELETED, RoundChangeKind.COPIED]  # newest first: the history stays
