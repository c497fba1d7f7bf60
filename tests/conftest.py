"""Shared fixtures: reference data, the demo scheme, and one logged-in client per role."""

import os

import pytest
from django.conf import settings
from hypothesis import settings as hypothesis_settings

from portal.models import Role

# Property-based tests: no per-example deadline (a loaded 2-core machine makes a 200 ms deadline a
# coin toss, not a finding); in CI the examples are derived from each test, so a run is repeatable.
hypothesis_settings.register_profile("portal", deadline=None)
hypothesis_settings.register_profile("ci", parent=hypothesis_settings.get_profile("portal"), derandomize=True,
                                     print_blob=True)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") == "true" else "portal")


def _missing_services() -> list[str]:
    missing = []
    if not settings.POSTGRES_AVAILABLE:
        missing.append("PostgreSQL is NOT reachable: this run uses SQLite and SKIPS the tests marked 'postgres'.")
    if not settings.REDIS_AVAILABLE:
        missing.append("Redis is NOT reachable: this run SKIPS the tests marked 'redis'.")
    return missing


def pytest_report_header(config):
    """Said at the top of the run, not hidden in captured output."""
    banner = "!" * 78
    missing = _missing_services()
    if not missing:
        return ["services: PostgreSQL and Redis reachable"]
    return [banner, *(f"!! {line}" for line in missing), "!! Start them for the real suite (CI requires both).", banner]


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """And again at the end, so a green run on SQLite is never mistaken for the real one."""
    for line in _missing_services():
        terminalreporter.write_line(f"!! {line}", red=True, bold=True)


def pytest_collection_modifyitems(config, items):
    skip_pg = pytest.mark.skip(reason="PostgreSQL is not reachable (see the warning at the top of the run)")
    skip_redis = pytest.mark.skip(reason="Redis is not reachable (see the warning at the top of the run)")
    for item in items:
        if "postgres" in item.keywords and not settings.POSTGRES_AVAILABLE:
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not settings.REDIS_AVAILABLE:
            item.add_marker(skip_redis)


@pytest.fixture(autouse=True, scope="session")
def media_root(tmp_path_factory):
    """Uploaded files and PDFs of the run go to a temporary folder pytest removes later."""
    from django.test import override_settings

    location = str(tmp_path_factory.mktemp("media"))
    storages = {**settings.STORAGES, "default": {**settings.STORAGES["default"],
                                                 "OPTIONS": {"location": location, "base_url": None}}}
    with override_settings(STORAGES=storages, MEDIA_ROOT=location):
        yield location


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The reference data (the 356 municipalities, counties and 10 offices of 2020) is loaded once for
    the whole run, right after the test database is made: every test sees it, as production does."""
    from portal.reference_data import reference_data_load

    with django_db_blocker.unblock():
        reference_data_load()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts, and leaves, in the portal's default language: a request with a language
    cookie leaves its language active in the thread, which must not reach the next test."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _reference_data_in_place(request):
    """Every test that uses the database finds the reference data there: a transactional test
    before it (which empties the database when it ends) makes the next one load it again."""
    if request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(request.fixturenames):
        request.getfixturevalue("reference_data")


@pytest.fixture
def reference_data(db):
    """The reference data, for a test that reads it: loaded again only if a transactional test before
    this one emptied the database (then it costs one load)."""
    from portal.models import County
    from portal.reference_data import reference_data_load

    if not County.objects.filter(number="18").exists():
        reference_data_load()


@pytest.fixture
def demo(reference_data):
    """The demo scheme, rounds and users, as `make run` has them."""
    from demo.seed import demo_seed

    demo_seed()


def _client_for(client_class, role, **scope):
    from tests.portal.factories import MembershipFactory

    membership = MembershipFactory(role=role, **scope)
    client = client_class()
    client.force_login(membership.user)
    client.user = membership.user
    client.membership = membership
    return client


@pytest.fixture
def office(db):
    from tests.portal.factories import OfficeFactory

    return OfficeFactory()


@pytest.fixture
def organisation(db, office):
    from tests.portal.factories import OrganisationFactory

    return OrganisationFactory(county=office.counties.first())


@pytest.fixture
def editor_client(client_class, organisation):
    return _client_for(client_class, Role.EDITOR, organisation=organisation)


@pytest.fixture
def signatory_client(client_class, organisation):
    return _client_for(client_class, Role.SIGNATORY, organisation=organisation)


@pytest.fixture
def caseworker_client(client_class, office):
    return _client_for(client_class, Role.CASEWORKER, office=office)


@pytest.fixture
def approver_client(client_class, office):
    return _client_for(client_class, Role.APPROVER, office=office)


@pytest.fixture
def office_admin_client(client_class, office):
    return _client_for(client_class, Role.OFFICE_ADMIN, office=office)


@pytest.fixture
def national_admin_client(client_class, db):
    return _client_for(client_class, Role.NATIONAL_ADMIN)


@pytest.fixture
def client_class():
    from django.test import Client

    return Client


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback (tests/smtp.py); the portal sends through Django's SMTP backend
    to it, so what a refusal, a dropped connection or a dead server does is the real protocol's."""
    from tests.smtp import SmtpServer

    server = SmtpServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


# --- what many test modules share: defined here once ---------------------------------------------------

@pytest.fixture
def english():
    """The code runs in English (messages of services, forms and e-mails are matched in English)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def media(settings, tmp_path):
    """This test stores its files in its own folder, so the files it made can be counted."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path),
                                                                              "base_url": None}}}
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def round_(office):
    """An open, published round of `office` (budget 10 000 000 kr) with the seeds' default criteria."""
    from tests.schemes.factories import RoundFactory

    return RoundFactory(office=office, with_criteria=True)


@pytest.fixture
def caseworker(office):
    from tests.applications.factories import staff

    return staff(office, Role.CASEWORKER)


@pytest.fixture
def approver(office):
    from tests.applications.factories import staff

    return staff(office, Role.APPROVER)


@pytest.fixture
def submitted(round_):
    """A submitted application in `round_` with one competence measure of 200 000 kr."""
    from tests.applications.factories import applying_for

    return applying_for(round_, 200_000)


# --- OpenID Connect: real providers on loopback (tests/oidc.py) -------------------------------------

@pytest.fixture(scope="session")
def oidc_provider():
    """A real OpenID Connect provider process on loopback, for the whole run (one per xdist worker)."""
    from tests.oidc import OidcProvider

    provider = OidcProvider()
    yield provider
    provider.stop()


@pytest.fixture(scope="session")
def oidc_provider_short_lived():
    """A second provider whose tokens live one second."""
    from tests.oidc import OidcProvider

    provider = OidcProvider(token_max_age=1)
    yield provider
    provider.stop()


@pytest.fixture
def oidc(settings, oidc_provider):
    """The portal's two providers ("idporten" and "office") both point at `oidc_provider`; the
    discovery documents and keys cached by earlier tests are forgotten."""
    from django.core.cache import cache

    settings.OIDC_PROVIDERS = {"idporten": oidc_provider.settings_for(),
                               "office": oidc_provider.settings_for(client_id="tilskuddsportalen-office")}
    cache.clear()
    yield oidc_provider
    cache.clear()


@pytest.fixture
def redis_down(settings):
    """The cache is a Redis that is not there (nothing listens on the port)."""
    from tests.helpers import unused_port

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": f"redis://127.0.0.1:{unused_port()}/0",
                                   "OPTIONS": settings.REDIS_CACHE_OPTIONS}}
