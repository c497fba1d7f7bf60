"""PDFs the portal makes (receipts, decision letters): HTML templates rendered by WeasyPrint as
PDF/A-2a, in a given language form and Norwegian time, with 'Page 1 of 3' in the footer."""

import contextlib
import gc
import re
import threading

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

# The PDF archived with the case: PDF/A-2 level A is both an archive format and a tagged
# (screen-reader friendly) PDF.
PDF_VARIANT = "pdf/a-2a"


def _css_string(text: str) -> str:
    """`text` as a CSS string literal, safe inside a <style> element."""
    return '"' + re.sub(r'[\\"<>\n]', lambda m: f"\\{ord(m.group()):x} ", text) + '"'


def page_counter_css() -> str:
    """The footer's 'Page 1 of 3' as a CSS `content` value, from one whole sentence for translators."""
    mark = "\x00"
    text = _("Page %(page)s of %(pages)s") % {"page": f"{mark}page{mark}", "pages": f"{mark}pages{mark}"}
    parts = []
    for index, piece in enumerate(text.split(mark)):
        if index % 2:
            parts.append(f"counter({piece})")
        elif piece:
            parts.append(_css_string(piece))
    return mark_safe(" ".join(parts))


def render_pdf_html(*, template: str, context, language: str) -> str:
    """The HTML a PDF is made from: the template written in `language` and Norwegian time. `context`
    is a dict, or a function returning one, called in that language (for labels the context
    translates). A preview shows this very HTML, so what is previewed is what the PDF says."""
    with translation.override(language), timezone.override(timezone.get_default_timezone()):
        values = context() if callable(context) else context
        return render_to_string(template, {**values, "page_counter": page_counter_css(), "language": language})


_fonts = threading.local()


def _font_config():
    """WeasyPrint's font configuration (fontconfig and Pango's font map), made once per worker
    thread rather than once per PDF: about a tenth of a receipt's or a letter's CPU. The templates
    declare no @font-face, so nothing accumulates in it; per thread, as Pango's font map is not
    shared across threads."""
    config = getattr(_fonts, "config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration  # heavy (pango): see html_to_pdf

        config = _fonts.config = FontConfiguration()
    return config


_collector = threading.Lock()
_collector_pauses = 0
_collector_was_enabled = False


@contextlib.contextmanager
def _collector_paused():
    """Python's cyclic garbage collector held off while WeasyPrint renders, and let run again after the
    last render going on in this process ends. A render makes hundreds of thousands of objects that live
    until it ends; each time enough of them outlive the young generations, the collector walks the whole
    heap (Django's included): a fifth of a receipt's CPU. What a render leaves behind is freed as it ends,
    or by the first collection after it, so memory stays as it was (measured over 40 receipts)."""
    global _collector_pauses, _collector_was_enabled
    with _collector:
        if _collector_pauses == 0:
            _collector_was_enabled = gc.isenabled()
            gc.disable()
        _collector_pauses += 1
    try:
        yield
    finally:
        with _collector:
            _collector_pauses -= 1
            if _collector_pauses == 0 and _collector_was_enabled:
                gc.enable()


def html_to_pdf(html: str) -> bytes:
    """HTML from `render_pdf_html` as a PDF/A-2a."""
    from weasyprint import HTML  # heavy (pango): imported by the worker that makes PDFs, not at start-up

    with _collector_paused():
        return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(pdf_variant=PDF_VARIANT,
                                                                              font_config=_font_config())


def html_documents_to_pdf(htmls: list[str]) -> bytes:
    """Several HTML documents from `render_pdf_html` as one PDF/A-2a, one after the other, each with its
    own pages (its own page styles, headers and footers): the archive copy of a case is made of the
    renderings of the application, the assessment, the letter and the appeals."""
    from weasyprint import HTML  # heavy (pango): imported by the worker that makes PDFs, not at start-up

    with _collector_paused():
        documents = [HTML(string=html, base_url=str(settings.BASE_DIR)).render(pdf_variant=PDF_VARIANT,
                                                                               font_config=_font_config())
                     for html in htmls]
        pages = [page for document in documents for page in document.pages]
        return documents[0].copy(pages).write_pdf(pdf_variant=PDF_VARIANT)


def render_pdf(*, template: str, context, language: str) -> bytes:
    """The template as a PDF, written in `language` and Norwegian time (see `render_pdf_html`)."""
    return html_to_pdf(render_pdf_html(template=template, context=context, language=language))
