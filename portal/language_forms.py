"""Which language form the portal writes to an organisation in (språklova § 14). One rule, asked by
every letter, receipt and e-mail to an organisation, and stored with a decision at its approval.

An organisation in bokmål or nynorsk is written to in its form. One that is neutral may be written
to in either: the portal writes in the form its County Governor's office has chosen for neutral
organisations (`Office.neutral_language_form`), bokmål unless the office chose nynorsk."""

from .models import LanguageForm


def written_language_form(organisation, office) -> str:
    """'nb' or 'nn': the form a letter or e-mail from `office` to `organisation` is written in."""
    if organisation.language_form == LanguageForm.NEUTRAL:
        return office.neutral_language_form if office is not None else LanguageForm.BOKMAL.value
    return organisation.language_form


def written_language_form_label(organisation, office) -> str:
    """'Bokmål' or 'Nynorsk', in the active language: what a caseworker writes in."""
    return str(LanguageForm(written_language_form(organisation, office)).label)
