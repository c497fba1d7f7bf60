import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import HttpRequest

from portal.models import County, Membership, Organisation, OrganisationKind, Role
from tests.portal.factories import CountyFactory, OfficeFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_organisation_with_an_invalid_number_is_not_valid():
    organisation = OrganisationFactory.build(organisation_number="964983381", county=CountyFactory())
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert "organisation_number" in error.value.message_dict


def test_a_municipality_number_outside_its_county_is_refused():
    nordland = County.objects.get(number="18")  # the reference data's
    organisation = OrganisationFactory.build(municipality_number="1103", county=nordland)
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert "municipality_number" in error.value.message_dict


def test_a_municipality_needs_its_municipality_number():
    organisation = OrganisationFactory.build(municipality_number="", county=CountyFactory())
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert "municipality_number" in error.value.message_dict


def test_a_state_body_needs_no_municipality_number():
    organisation = OrganisationFactory.build(
        kind=OrganisationKind.STATE_BODY, municipality_number="", county=CountyFactory(), net_budgeted=True
    )
    organisation.full_clean()


def test_two_organisations_cannot_share_an_organisation_number():
    first = OrganisationFactory()
    with pytest.raises(IntegrityError):
        OrganisationFactory(organisation_number=first.organisation_number)


def test_the_organisation_number_is_shown_grouped():
    assert OrganisationFactory.build(organisation_number="964983380").organisation_number_display == "964 983 380"


@pytest.mark.parametrize("role,scope", [
    (Role.EDITOR, "office"),
    (Role.CASEWORKER, "organisation"),
    (Role.NATIONAL_ADMIN, "office"),
    (Role.SIGNATORY, None),
])
def test_a_membership_must_match_its_roles_scope(role, scope):
    user = UserFactory()
    kwargs = {"organisation": OrganisationFactory()} if scope == "organisation" else (
        {"office": OfficeFactory()} if scope == "office" else {})
    with pytest.raises(IntegrityError):
        Membership.objects.create(user=user, role=role, **kwargs)


def test_the_user_logs_in_with_email_case_insensitively(client):
    user = UserFactory(email="kari@bodo.kommune.example")
    # django-axes checks every password login against its request: client.login() passes one
    assert client.login(request=HttpRequest(), username="KARI@bodo.kommune.example", password="passord-for-test")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_organisation_is_listed_by_name():
    orland, alstahaug = OrganisationFactory(name="Ørland"), OrganisationFactory(name="Alstahaug")
    listed = Organisation.objects.filter(pk__in=[orland.pk, alstahaug.pk])
    assert [o.name for o in listed] == ["Alstahaug", "Ørland"]
