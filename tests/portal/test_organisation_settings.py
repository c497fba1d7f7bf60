"""An organisation's language form: set by its signatory on its settings page, or by its office's
admin in the administration pages; a person's choice is kept by later reference data loads."""

import pytest
from django.urls import reverse

from portal.models import LanguageForm, Office, Organisation, Role
from portal.permissions import can_administer_organisation, can_edit_organisation_settings
from tests.helpers import assert_error_summary_links_land, in_english, messages_of, page_text
from tests.portal.factories import MembershipFactory, OrganisationFactory, reference_municipality, reference_office

pytestmark = pytest.mark.django_db


def settings_url(organisation):
    return reverse("portal:organisation_settings", kwargs={"pk": organisation.pk})


# --- the permissions --------------------------------------------------------------------------------

def test_only_the_organisations_signatory_edits_its_settings(organisation):
    signatory = MembershipFactory(role=Role.SIGNATORY, organisation=organisation).user
    editor = MembershipFactory(role=Role.EDITOR, organisation=organisation).user
    other = MembershipFactory(role=Role.SIGNATORY).user
    assert can_edit_organisation_settings(signatory, organisation)
    assert not can_edit_organisation_settings(editor, organisation)
    assert not can_edit_organisation_settings(other, organisation).allowed
    assert can_edit_organisation_settings(other, organisation).reason


def test_an_office_admin_administers_the_organisations_of_its_counties_only():
    bodo, stavanger = reference_municipality("1804"), reference_municipality("1103")
    nordland_admin = MembershipFactory(role=Role.OFFICE_ADMIN, office=reference_office("fylkesmannen-i-nordland")).user
    assert can_administer_organisation(nordland_admin, bodo)
    refused = can_administer_organisation(nordland_admin, stavanger)
    assert not refused and refused.reason
    assert can_administer_organisation(MembershipFactory(role=Role.NATIONAL_ADMIN).user, stavanger)
    assert not can_administer_organisation(MembershipFactory(role=Role.CASEWORKER).user, bodo)


# --- the signatory's page ---------------------------------------------------------------------------

def test_the_signatory_sets_the_language_form(signatory_client, organisation):
    url = settings_url(organisation)
    assert signatory_client.get(url).status_code == 200
    response = signatory_client.post(url, {"language_form": LanguageForm.NYNORSK}, follow=True)
    assert response.status_code == 200
    assert messages_of(response)
    organisation.refresh_from_db()
    assert organisation.language_form == LanguageForm.NYNORSK
    assert organisation.language_form_set_at is not None


def test_the_signatorys_my_page_links_to_the_settings(signatory_client, organisation):
    assert settings_url(organisation) in page_text(signatory_client.get(reverse("portal:dashboard")))


def test_bad_input_gets_a_message_and_nothing_is_saved(signatory_client, organisation):
    response = in_english(signatory_client).post(settings_url(organisation), {"language_form": "svensk"})
    assert response.status_code == 200
    assert "Select a valid choice" in page_text(response)
    assert_error_summary_links_land(response)
    organisation.refresh_from_db()
    assert organisation.language_form == LanguageForm.BOKMAL and organisation.language_form_set_at is None


def test_an_editor_is_refused_and_another_organisation_is_not_found(editor_client, signatory_client, organisation):
    assert editor_client.get(settings_url(organisation)).status_code == 403
    editor_client.post(settings_url(organisation), {"language_form": LanguageForm.NYNORSK})
    other = OrganisationFactory()
    assert signatory_client.get(settings_url(other)).status_code == 404
    assert signatory_client.post(settings_url(other), {"language_form": LanguageForm.NYNORSK}).status_code == 404
    assert set(Organisation.objects.filter(pk__in=[organisation.pk, other.pk]).values_list(
        "language_form", flat=True)) == {LanguageForm.BOKMAL}


# --- the office admin, in the administration pages ---------------------------------------------------

def organisation_admin_data(organisation, **changes):
    return {"language_form": organisation.language_form, **changes}


def test_the_office_admin_sets_the_language_form_of_an_organisation_in_its_area(client):
    bodo = reference_municipality("1804")
    client.force_login(MembershipFactory(role=Role.OFFICE_ADMIN, office=reference_office()).user)
    url = reverse("admin:portal_organisation_change", args=[bodo.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="language_form"' in page_text(page) and 'name="name"' not in page_text(page)
    response = client.post(url, organisation_admin_data(bodo, language_form=LanguageForm.NYNORSK, name="Ny Bodø"))
    assert response.status_code == 302
    bodo.refresh_from_db()
    assert (bodo.language_form, bodo.name) == (LanguageForm.NYNORSK, "Bodø")
    assert bodo.language_form_set_at is not None


def test_the_office_admin_neither_sees_nor_changes_another_areas_organisation(client):
    stavanger = reference_municipality("1103")
    client.force_login(MembershipFactory(role=Role.OFFICE_ADMIN, office=reference_office()).user)
    url = reverse("admin:portal_organisation_change", args=[stavanger.pk])
    assert client.get(url).status_code in (302, 404)
    client.post(url, organisation_admin_data(stavanger, language_form=LanguageForm.NYNORSK))
    stavanger.refresh_from_db()
    assert stavanger.language_form == LanguageForm.NEUTRAL
    changelist = page_text(client.get(reverse("admin:portal_organisation_changelist")))
    assert reverse("admin:portal_organisation_change", args=[stavanger.pk]) not in changelist
    assert reverse("admin:portal_organisation_change", args=[reference_municipality("1804").pk]) in changelist


def test_the_office_admin_chooses_its_own_offices_form_for_neutral_organisations_only(client):
    nordland, rogaland = reference_office(), reference_office("fylkesmannen-i-rogaland")
    client.force_login(MembershipFactory(role=Role.OFFICE_ADMIN, office=nordland).user)
    response = client.post(reverse("admin:portal_office_change", args=[nordland.pk]),
                           {"neutral_language_form": LanguageForm.NYNORSK, "name": "Noe annet"})
    assert response.status_code == 302, page_text(response)[:2000]
    nordland.refresh_from_db()
    assert (nordland.neutral_language_form, nordland.name) == (LanguageForm.NYNORSK, "Fylkesmannen i Nordland")
    client.post(reverse("admin:portal_office_change", args=[rogaland.pk]), {"neutral_language_form": "nn"})
    assert Office.objects.get(pk=rogaland.pk).neutral_language_form == LanguageForm.BOKMAL
