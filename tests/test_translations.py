"""The catalogues in locale/: bokmål and nynorsk complete, placeholders intact, .mo in step with .po.

Source strings are English. After `make messages`, fill in every new nb/nn msgstr, run
`locale/fill_english.py`, then `compilemessages`; these tests say what was forgotten.
"""

import re
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
NORWEGIAN = ["nb", "nn"]
ALL_LANGUAGES = ["nb", "nn", "en"]
PLURAL_FORMS = "nplurals=2; plural=(n != 1);"
# Looked up through variables, not literals, so that makemessages does not list this file as a source.
DEADLINE = "%(date)s at %(time)s"
AMOUNT = "%(amount)s kr"
SKIP_LINK = "Skip to main content"

# A %-format conversion as Python reads it: %(name)s, %d, %5.2f ... ("%%" is a literal percent sign).
PLACEHOLDER = re.compile(r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsa%]")


def catalogues(languages):
    """Every .po under locale/<lang>/LC_MESSAGES (django.po, and djangojs.po once there is one)."""
    return [
        pytest.param(path, id=f"{lang}/{path.name}")
        for lang in languages
        for path in sorted((LOCALE_DIR / lang / "LC_MESSAGES").glob("*.po"))
    ]


def live_entries(catalogue):
    return [entry for entry in catalogue if not entry.obsolete]


def key(entry):
    return (entry.msgctxt or "", entry.msgid)


def describe(entry):
    where = ", ".join(f"{file}:{line}" for file, line in entry.occurrences[:2])
    return f"{entry.msgid!r}" + (f" ({where})" if where else "")


def placeholders(text):
    """Named placeholders as a multiset (order may change in translation); positional ones in order."""
    found = [m for m in PLACEHOLDER.finditer(text) if m.group() != "%%"]
    named = Counter(m.group() for m in found if m.group("name") is not None)
    positional = [m.group() for m in found if m.group("name") is None]
    return named, positional


@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_each_language_has_a_django_catalogue(language):
    assert (LOCALE_DIR / language / "LC_MESSAGES" / "django.po").is_file()


@pytest.mark.parametrize("po_path", catalogues(ALL_LANGUAGES))
def test_header_names_the_language_and_its_plural_rule(po_path):
    catalogue = polib.pofile(str(po_path))
    assert catalogue.metadata.get("Language") == po_path.parent.parent.name
    assert catalogue.metadata.get("Plural-Forms") == PLURAL_FORMS


@pytest.mark.parametrize("po_path", catalogues(NORWEGIAN))
def test_every_string_is_translated_and_none_is_fuzzy(po_path):
    catalogue = polib.pofile(str(po_path))
    untranslated = [describe(e) for e in live_entries(catalogue) if not e.translated() and "fuzzy" not in e.flags]
    fuzzy = [describe(e) for e in live_entries(catalogue) if "fuzzy" in e.flags]
    problems = []
    if untranslated:
        problems.append(f"{len(untranslated)} untranslated:\n  " + "\n  ".join(untranslated))
    if fuzzy:
        problems.append(f"{len(fuzzy)} fuzzy (check the text, then remove the flag):\n  " + "\n  ".join(fuzzy))
    assert not problems, f"{po_path}:\n" + "\n".join(problems)


@pytest.mark.parametrize("po_path", catalogues(ALL_LANGUAGES))
def test_translations_keep_the_placeholders_of_the_source(po_path):
    catalogue = polib.pofile(str(po_path))
    wrong = []
    for entry in live_entries(catalogue):
        if "python-format" not in entry.flags:
            continue
        if entry.msgid_plural:
            pairs = [
                (entry.msgid if index == 0 else entry.msgid_plural, text)
                for index, text in sorted(entry.msgstr_plural.items())
            ]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for source, text in pairs:
            if text and placeholders(text) != placeholders(source):
                wrong.append(f"{describe(entry)} -> {text!r}")
    assert not wrong, f"{po_path}: placeholders differ from the source:\n  " + "\n  ".join(wrong)


def _translations(catalogue, *, from_mo=False):
    result = {}
    for entry in catalogue:
        if entry.obsolete or not entry.msgid:  # the header is msgid ""
            continue
        if not from_mo and (not entry.translated() or "fuzzy" in entry.flags):
            continue  # msgfmt leaves these out; Django then shows the English source
        if entry.msgid_plural:
            result[key(entry)] = (entry.msgid_plural, tuple(text for _, text in sorted(entry.msgstr_plural.items())))
        else:
            result[key(entry)] = entry.msgstr
    return result


@pytest.mark.parametrize("po_path", catalogues(ALL_LANGUAGES))
def test_compiled_catalogue_matches_the_po_file(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.is_file(), f"{mo_path} is missing: run manage.py compilemessages"
    expected = _translations(polib.pofile(str(po_path)))
    compiled = _translations(polib.mofile(str(mo_path)), from_mo=True)
    missing = sorted(repr(msgid) for ctx, msgid in expected.keys() - compiled.keys())
    extra = sorted(repr(msgid) for ctx, msgid in compiled.keys() - expected.keys())
    changed = sorted(repr(k[1]) for k in expected.keys() & compiled.keys() if expected[k] != compiled[k])
    assert not (missing or extra or changed), (
        f"{mo_path} is out of date with {po_path.name}; run manage.py compilemessages.\n"
        f"  not compiled: {missing}\n  compiled but untranslated, fuzzy or gone in .po: {extra}\n  compiled text differs: {changed}"
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [("nb", "%(date)s kl. %(time)s"), ("nn", "%(date)s kl. %(time)s"), ("en", "%(date)s at %(time)s")],
)
def test_a_deadline_reads_with_kl_in_norwegian(language, expected):
    with translation.override(language):
        assert translation.gettext(DEADLINE) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [("nb", "%(amount)s kr"), ("nn", "%(amount)s kr"), ("en", "NOK %(amount)s")],
)
def test_an_amount_reads_in_the_reader_s_convention(language, expected):
    with translation.override(language):
        assert translation.gettext(AMOUNT) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [("nb", "Hopp til hovedinnhold"), ("nn", "Hopp til hovudinnhald"), ("en", "Skip to main content")],
)
def test_the_skip_link_is_in_the_reader_s_language(language, expected):
    with translation.override(language):
        assert translation.gettext(SKIP_LINK) == expected
