"""The reference registers (counties, the ten offices, the 356 municipalities of 2020): loaded whole
or not at all, and loading again changes nothing. Every test starts with them loaded (tests/conftest.py);
`fresh_install` empties them for a test about the first load."""

import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from portal.exceptions import ReferenceDataError
from portal.models import County, Office, Organisation
from portal.reference_data import DATA_DIR, reference_data_load
from tests.portal.factories import reference_municipality

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        list(County.objects.values_list("number", "name")),
        list(Office.objects.values_list("slug", "name", "name_en", "email")),
        sorted(Office.objects.values_list("slug", "counties__number")),
        list(Organisation.objects.order_by("organisation_number").values_list(
            "organisation_number", "name", "municipality_number", "county__number", "kind")),
    )


@pytest.fixture
def fresh_install():
    """The registers as a fresh installation has them: empty. The reference data every test starts
    with is deleted inside this test's transaction (and so is back for the next test)."""
    Organisation.objects.all().delete()
    Office.objects.all().delete()
    County.objects.all().delete()


def test_loads_the_356_municipalities_and_10_offices_of_2020(fresh_install):
    result = reference_data_load()
    assert Organisation.objects.count() == 356
    assert Office.objects.count() == 10
    assert result.created == {"counties": 11, "offices": 10, "municipalities": 356}
    nordland = Office.objects.get(name="Fylkesmannen i Nordland")
    assert nordland.email == "fmnopost@fylkesmannen.no"
    assert list(nordland.counties.values_list("number", flat=True)) == ["18"]
    bodo = Organisation.objects.get(municipality_number="1804")
    assert (bodo.name, bodo.organisation_number, bodo.county.number) == ("Bodø", "972418013", "18")
    assert bodo.office == nordland
    oslo_viken = Office.objects.get(name="Fylkesmannen i Oslo og Viken")
    assert sorted(oslo_viken.counties.values_list("number", flat=True)) == ["03", "30"]


def test_running_it_twice_changes_nothing(fresh_install, capsys):
    call_command("load_reference_data")
    assert "Created 356 municipalities." in capsys.readouterr().out
    before = snapshot()
    call_command("load_reference_data")
    assert snapshot() == before
    assert "nothing changed" in capsys.readouterr().out


def test_a_second_run_keeps_what_an_admin_set_that_the_file_does_not_own():
    reference_municipality("4601", language_form="nn", language_form_set_at=timezone.now())  # Bergen, as set
    result = reference_data_load()
    assert not result.changed_anything
    assert Organisation.objects.get(municipality_number="4601").language_form == "nn"


@pytest.fixture
def broken_dir(tmp_path):
    for name in ("municipalities-2020.csv", "county-governors-2020.csv", "municipality-language-forms-2020.csv"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    return tmp_path


def break_line(path, line_number, old, new):
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert old in lines[line_number - 1]
    lines[line_number - 1] = lines[line_number - 1].replace(old, new)
    path.write_text("".join(lines), encoding="utf-8")


def test_a_broken_file_is_reported_by_line_and_nothing_is_loaded(fresh_install, broken_dir):
    municipalities = broken_dir / "municipalities-2020.csv"
    # line 4 is Stavanger (1103); give it a wrong check digit, and line 300 a three-digit number
    break_line(municipalities, 4, "964965226", "964965227")
    line_300 = municipalities.read_text(encoding="utf-8").splitlines()[299]
    number = line_300.split(",")[0]
    break_line(municipalities, 300, number + ",", number[:3] + ",")
    with pytest.raises(ReferenceDataError) as error:
        reference_data_load(directory=broken_dir)
    problems = "\n".join(error.value.problems)
    assert "municipalities-2020.csv, line 4:" in problems
    assert "municipalities-2020.csv, line 300:" in problems
    assert Organisation.objects.count() == 0
    assert County.objects.count() == 0
    assert Office.objects.count() == 0


def test_a_broken_office_file_loads_nothing_either(fresh_install, broken_dir):
    break_line(broken_dir / "county-governors-2020.csv", 5, ",18,", ",99,")
    with pytest.raises(CommandError) as error:
        call_command("load_reference_data", directory=broken_dir)
    assert "county-governors-2020.csv, line 5: county 99" in str(error.value)
    assert Organisation.objects.count() == 0
    assert County.objects.count() == 0
    assert Office.objects.count() == 0


def test_a_broken_file_does_not_touch_data_already_loaded(broken_dir):
    reference_data_load()
    before = snapshot()
    break_line(broken_dir / "municipalities-2020.csv", 2, "Oslo", "Oslo by")
    break_line(broken_dir / "municipalities-2020.csv", 3, "944496394", "944496395")
    with pytest.raises(ReferenceDataError):
        reference_data_load(directory=broken_dir)
    assert snapshot() == before


def test_a_row_with_a_missing_column_is_reported(broken_dir):
    break_line(broken_dir / "municipalities-2020.csv", 10, ",Rogaland,", ",")
    with pytest.raises(ReferenceDataError) as error:
        reference_data_load(directory=broken_dir)
    assert "line 10" in error.value.problems[0]


def test_the_load_sets_each_municipalitys_language_form_from_the_register():
    forms = dict(Organisation.objects.filter(municipality_number__in=["4601", "4602", "1106", "1114"])
                 .values_list("municipality_number", "language_form"))
    assert forms["4602"] == "nn"  # Kinn: nynorsk
    assert forms["1106"] == "nb"  # Haugesund: bokmål
    assert forms["4601"] == "neutral"  # Bergen: neutral
    assert forms["1114"] == "nb"  # Bjerkreim: unknown in the register, keeps what it had (the default)
    counts = {form: Organisation.objects.filter(language_form=form).count() for form in ("nb", "nn", "neutral")}
    assert counts == {"nb": 116 + 5, "nn": 89, "neutral": 146}


def test_the_register_updates_a_language_form_nobody_set_and_keeps_one_somebody_set():
    reference_municipality("1106", language_form="nn")  # not set by a person: the register's value returns
    reference_municipality("4602", language_form="nb", language_form_set_at=timezone.now())
    result = reference_data_load()
    assert result.updated == {"language forms": 1}
    assert reference_municipality("1106").language_form == "nb"
    assert reference_municipality("4602").language_form == "nb"


def test_an_unknown_language_form_in_the_register_is_reported_and_nothing_is_loaded(broken_dir):
    before = snapshot()
    break_line(broken_dir / "municipality-language-forms-2020.csv", 2, ",neutral,", ",svensk,")
    with pytest.raises(ReferenceDataError) as error:
        reference_data_load(directory=broken_dir)
    assert "municipality-language-forms-2020.csv, line 2: unknown language form 'svensk'" in error.value.problems[0]
    assert snapshot() == before
