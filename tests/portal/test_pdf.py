"""PDFs (portal.pdf): the footer's page counter comes from one whole translated sentence, so a
translator sees "Page %(page)s of %(pages)s", and characters that would end the CSS string are
escaped."""

from django.utils import translation

from portal.pdf import _css_string, page_counter_css


def test_the_page_footer_is_built_from_one_translated_sentence():
    with translation.override("nb"):
        assert page_counter_css() == '"Side " counter(page) " av " counter(pages)'
    with translation.override("en"):
        assert page_counter_css() == '"Page " counter(page) " of " counter(pages)'


def test_text_in_the_footer_cannot_break_out_of_its_css_string():
    assert _css_string('a"b</style>') == '"a\\22 b\\3c /style\\3e "'
