"""Run in the portal's environment (`python -m tests.faults.scenario`, tests/faults/processes.py) on
the fault tests' own database, once it is migrated: the reference data, an open round, and a
municipality's application ready to submit with its signatory logged in. Prints what the tests
need as JSON: the application's id and pages, the signatory's session cookie."""

import json

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

from portal.models import County, Role  # noqa: E402
from portal.reference_data import reference_data_load  # noqa: E402
from tests.applications.factories import ApplicationFactory, InnovationProjectFactory  # noqa: E402
from tests.portal.factories import MembershipFactory, OfficeFactory, OrganisationFactory  # noqa: E402
from tests.schemes.factories import RoundFactory  # noqa: E402


def main() -> dict:
    if not County.objects.exists():  # a database copied from the test run has them already
        reference_data_load()
    office = OfficeFactory()
    round_ = RoundFactory(office=office, with_criteria=True)
    organisation = OrganisationFactory(county=office.counties.first())
    signatory = MembershipFactory(role=Role.SIGNATORY, organisation=organisation).user
    application = ApplicationFactory(round=round_, organisation=organisation, complete=True)
    InnovationProjectFactory(application=application, priority_rank=1)
    client = Client()
    client.force_login(signatory)
    return {"application": application.pk, "page": application.get_absolute_url(),
            "session": client.cookies[settings.SESSION_COOKIE_NAME].value}


if __name__ == "__main__":
    print(json.dumps(main()))
