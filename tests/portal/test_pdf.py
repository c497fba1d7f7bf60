"""PDFs (portal.pdf): the footer's page counter comes from one whole translated sentence, so a
translator sees "Page %(page)s of %(pages)s", and characters that would end the CSS string are
escaped; Python's garbage collector waits while WeasyPrint renders, and runs again after."""

import gc

import pytest
from django.utils import translation

from portal.pdf import _collector_paused, _css_string, html_to_pdf, page_counter_css


def test_the_page_footer_is_built_from_one_translated_sentence():
    with translation.override("nb"):
        assert page_counter_css() == '"Side " counter(page) " av " counter(pages)'
    with translation.override("en"):
        assert page_counter_css() == '"Page " counter(page) " of " counter(pages)'


def test_text_in_the_footer_cannot_break_out_of_its_css_string():
    assert _css_string('a"b</style>') == '"a\\22 b\\3c /style\\3e "'


def test_the_garbage_collector_waits_while_a_pdf_is_rendered_and_runs_again_after(monkeypatch):
    import weasyprint

    seen = []
    real = weasyprint.HTML.write_pdf

    def write_pdf(self, *args, **kwargs):
        seen.append(gc.isenabled())
        return real(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", write_pdf)
    assert html_to_pdf('<html lang="nb"><title>t</title><p>Hei</p></html>').startswith(b"%PDF")
    assert seen == [False] and gc.isenabled()

    def failing(self, *args, **kwargs):
        raise ValueError("broken")

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", failing)
    with pytest.raises(ValueError):
        html_to_pdf("<p>x</p>")
    assert gc.isenabled()


def test_the_garbage_collector_runs_again_only_when_the_last_of_two_renders_at_once_ends():
    first, second = _collector_paused(), _collector_paused()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert not gc.isenabled()  # the second render is still going on
    second.__exit__(None, None, None)
    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off():
    gc.disable()
    try:
        with _collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
