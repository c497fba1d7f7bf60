"""The office admin configures its own round without a superuser: the round page (budget, dates,
criteria with weights, documents), its office and an organisation of its area. Every admin page it
uses gets an axe scan; criteria whose weights add up to 90 get a clear error, 100 are saved."""

import pytest
from django.urls import reverse

from portal.models import Organisation

OFFICE_ADMIN = "anne.admin@fylkesmannen.example"


@pytest.mark.django_db(transaction=True)
def test_office_admin_configures_the_round_and_the_admin_pages_pass_axe(page, demo_round, login, visit, axe_check):
    login(OFFICE_ADMIN)
    visit(reverse("admin:index"))
    visit(reverse("admin:schemes_round_changelist"))
    visit(reverse("admin:schemes_round_change", args=[demo_round.pk]))
    assert page.locator("input[name='criteria-0-weight']").count() == 1
    assert page.locator("input[name='documents-0-title']").count() == 1

    weights = page.locator("input[name^='criteria-'][name$='-weight']:not([name*='__prefix__'])")
    assert weights.count() == 6  # the default criteria, 15 + 20 + 20 + 20 + 15 + 10
    weights.nth(0).fill("5")  # 90 in all
    with page.expect_navigation():
        page.locator("input[name=_continue]").click()
    axe_check(page)
    assert "90" in page.locator(".errorlist.nonform").inner_text()  # the weights' total, at the criteria
    assert demo_round.criteria.order_by("position").first().weight == 15

    page.locator("input[name^='criteria-'][name$='-weight']:not([name*='__prefix__'])").nth(0).fill("15")
    page.locator("input[name^='criteria-'][name$='-weight']:not([name*='__prefix__'])").nth(1).fill("20")
    with page.expect_navigation():
        page.locator("input[name=_continue]").click()
    axe_check(page)
    assert page.locator(".errorlist.nonform").count() == 0
    assert sum(demo_round.criteria.values_list("weight", flat=True)) == 100

    bodo = Organisation.objects.get(municipality_number="1804")
    visit(reverse("admin:portal_organisation_changelist"))
    visit(reverse("admin:portal_organisation_change", args=[bodo.pk]))
    page.select_option("select[name=language_form]", "nn")
    with page.expect_navigation():
        page.locator("input[name=_save]").click()
    axe_check(page)
    bodo.refresh_from_db()
    assert bodo.language_form == "nn"
    visit(reverse("admin:portal_office_change", args=[demo_round.office_id]))
