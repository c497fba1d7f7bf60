"""Loading the public reference registers: counties, County Governor offices and municipalities,
with each municipality's language form (bokmål, nynorsk or neutral; see data/README-language-forms.md).

The files are validated whole before anything is written, and written in one transaction, so a
broken file is reported by line number and nothing is half-loaded. Loading twice changes nothing.

The register's language form is the municipality's until the municipality or its office sets one
(`Organisation.language_form_set_at`): a later load never overwrites what a person chose. A municipality
whose form the register does not know ("unknown") keeps the one it has.
"""

import csv
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from .exceptions import ReferenceDataError
from .models import County, LanguageForm, Office, Organisation, OrganisationKind
from .validators import validate_county_number, validate_municipality_number, validate_organisation_number

DATA_DIR = Path(__file__).resolve().parent / "data"
MUNICIPALITIES_FILE = "municipalities-2020.csv"
OFFICES_FILE = "county-governors-2020.csv"
MUNICIPALITY_COLUMNS = ["municipality_number", "municipality_name", "county_number", "county_name", "organisation_number"]
OFFICE_COLUMNS = ["office_name", "office_name_en", "county_numbers", "email"]
LANGUAGE_FORMS_FILE = "municipality-language-forms-2020.csv"
LANGUAGE_FORM_COLUMNS = ["municipality_number", "name", "language_form", "source"]
LANGUAGE_FORM_VALUES = {"bokmal": LanguageForm.BOKMAL, "nynorsk": LanguageForm.NYNORSK,
                        "neutral": LanguageForm.NEUTRAL, "unknown": None}


@dataclass
class LoadResult:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool, changed: bool):
        if created:
            self.created[kind] = self.created.get(kind, 0) + 1
        elif changed:
            self.updated[kind] = self.updated.get(kind, 0) + 1

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.updated)


def _read(path: Path, columns: list[str], problems: list[str]) -> list[tuple[int, dict]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames != columns:
                problems.append(f"{path.name}, line 1: expected the columns {', '.join(columns)}, "
                                f"found {', '.join(reader.fieldnames or [])}")
                return []
            rows = []
            for row in reader:
                if None in row or any(v is None for v in row.values()):
                    problems.append(f"{path.name}, line {reader.line_num}: expected {len(columns)} columns")
                    continue
                rows.append((reader.line_num, {k: v.strip() for k, v in row.items()}))
            return rows
    except FileNotFoundError:
        problems.append(f"{path.name}: file not found in {path.parent}")
    except UnicodeDecodeError as error:
        problems.append(f"{path.name}: not UTF-8 ({error})")
    return []


def _check(problems: list[str], where: str, validator, value):
    try:
        validator(value)
    except ValidationError as error:
        problems.append(f"{where}: {' '.join(str(m) for m in error.messages)}")


def _parse(directory: Path):
    problems: list[str] = []
    municipalities = _read(directory / MUNICIPALITIES_FILE, MUNICIPALITY_COLUMNS, problems)
    offices = _read(directory / OFFICES_FILE, OFFICE_COLUMNS, problems)
    language_rows = _read(directory / LANGUAGE_FORMS_FILE, LANGUAGE_FORM_COLUMNS, problems)
    counties: dict[str, str] = {}
    seen_numbers, seen_orgs = {}, {}
    for line, row in municipalities:
        where = f"{MUNICIPALITIES_FILE}, line {line}"
        _check(problems, where, validate_municipality_number, row["municipality_number"])
        _check(problems, where, validate_county_number, row["county_number"])
        _check(problems, where, validate_organisation_number, row["organisation_number"])
        if not row["municipality_name"]:
            problems.append(f"{where}: the municipality has no name")
        if row["municipality_number"][:2] != row["county_number"]:
            problems.append(f"{where}: municipality number {row['municipality_number']} is not in county {row['county_number']}")
        if row["municipality_number"] in seen_numbers:
            problems.append(f"{where}: municipality number {row['municipality_number']} also on line {seen_numbers[row['municipality_number']]}")
        if row["organisation_number"] in seen_orgs:
            problems.append(f"{where}: organisation number {row['organisation_number']} also on line {seen_orgs[row['organisation_number']]}")
        seen_numbers.setdefault(row["municipality_number"], line)
        seen_orgs.setdefault(row["organisation_number"], line)
        if counties.get(row["county_number"], row["county_name"]) != row["county_name"]:
            problems.append(f"{where}: county {row['county_number']} is named both {counties[row['county_number']]} and {row['county_name']}")
        counties.setdefault(row["county_number"], row["county_name"])
    covered: dict[str, str] = {}
    for line, row in offices:
        where = f"{OFFICES_FILE}, line {line}"
        if not row["office_name"]:
            problems.append(f"{where}: the office has no name")
        numbers = [n.strip() for n in row["county_numbers"].split(";") if n.strip()]
        if not numbers:
            problems.append(f"{where}: the office covers no county")
        for number in numbers:
            if number not in counties:
                problems.append(f"{where}: county {number} has no municipality in {MUNICIPALITIES_FILE}")
            elif number in covered:
                problems.append(f"{where}: county {number} is already covered by {covered[number]}")
            covered.setdefault(number, row["office_name"])
        row["county_numbers"] = numbers
    language_forms: dict[str, str] = {}
    for line, row in language_rows:
        where = f"{LANGUAGE_FORMS_FILE}, line {line}"
        if row["municipality_number"] not in seen_numbers:
            problems.append(f"{where}: municipality number {row['municipality_number']} is not in {MUNICIPALITIES_FILE}")
        elif row["language_form"] not in LANGUAGE_FORM_VALUES:
            problems.append(f"{where}: unknown language form {row['language_form']!r} "
                            f"(expected {', '.join(LANGUAGE_FORM_VALUES)})")
        elif LANGUAGE_FORM_VALUES[row["language_form"]] is not None:
            language_forms[row["municipality_number"]] = LANGUAGE_FORM_VALUES[row["language_form"]].value
    if problems:
        raise ReferenceDataError(problems)
    return counties, municipalities, offices, language_forms


def _language_forms_set(language_forms: dict[str, str], result: LoadResult) -> None:
    """The register's language form for each municipality nobody has set one for, in two statements."""
    changed = []
    for organisation in Organisation.objects.filter(
            kind=OrganisationKind.MUNICIPALITY, municipality_number__in=list(language_forms),
            language_form_set_at__isnull=True).only("pk", "municipality_number", "language_form"):
        wanted = language_forms[organisation.municipality_number]
        if organisation.language_form != wanted:
            organisation.language_form = wanted
            changed.append(organisation)
            result.count("language forms", created=False, changed=True)
    Organisation.objects.bulk_update(changed, ["language_form"])


def _upsert_all(model, key: str, rows: dict[str, dict], result: LoadResult, kind: str) -> dict:
    """Make the table hold `rows` ({key value: field values}): missing rows created and changed
    fields updated, in a handful of statements whatever the number of rows. Rows the files do not
    name are left alone, and so are fields they do not own. Returns {key value: object}."""
    existing = {getattr(obj, key): obj for obj in model.objects.filter(**{f"{key}__in": list(rows)})}
    new, changed_objects, changed_fields = [], [], set()
    for value, values in rows.items():
        obj = existing.get(value)
        if obj is None:
            new.append(model(**{key: value}, **values))
            result.count(kind, created=True, changed=True)
            continue
        changed = [name for name, wanted in values.items() if getattr(obj, name) != wanted]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            changed_objects.append(obj)
            changed_fields.update(changed)
            result.count(kind, created=False, changed=True)
    model.objects.bulk_create(new)
    if changed_objects:
        model.objects.bulk_update(changed_objects, sorted(changed_fields))
    return {getattr(obj, key): obj for obj in model.objects.filter(**{f"{key}__in": list(rows)})}


def reference_data_load(*, directory: Path = DATA_DIR) -> LoadResult:
    """Load counties, offices and municipalities from `directory`. Raises ReferenceDataError.
    A second load of the same files reads three tables and writes nothing."""
    counties, municipalities, offices, language_forms = _parse(Path(directory))
    result = LoadResult()
    with transaction.atomic():
        county_objects = _upsert_all(County, "number", {number: {"name": name} for number, name in counties.items()},
                                     result, "counties")
        office_slugs = {slugify(row["office_name"]) for _line, row in offices}
        known_offices = set(Office.objects.filter(slug__in=office_slugs).values_list("slug", flat=True))
        office_objects = _upsert_all(Office, "slug", {
            slugify(row["office_name"]): {"name": row["office_name"], "name_en": row["office_name_en"],
                                          "email": row["email"]}
            for _line, row in offices}, result, "offices")
        covered = {}
        for office_id, county_id in Office.counties.through.objects.filter(
                office__in=office_objects.values()).values_list("office_id", "county_id"):
            covered.setdefault(office_id, set()).add(county_id)
        for _line, row in offices:
            office = office_objects[slugify(row["office_name"])]
            wanted = {county_objects[n].pk for n in row["county_numbers"]}
            if covered.get(office.pk, set()) != wanted:
                office.counties.set(wanted)
                if office.slug in known_offices:
                    result.count("offices", created=False, changed=True)
        _upsert_all(Organisation, "organisation_number", {
            row["organisation_number"]: {
                "name": row["municipality_name"], "kind": OrganisationKind.MUNICIPALITY,
                "municipality_number": row["municipality_number"], "county_id": county_objects[row["county_number"]].pk,
            } for _line, row in municipalities}, result, "municipalities")
        _language_forms_set(language_forms, result)
    return result
