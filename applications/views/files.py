"""Files of an application: served only to those who may see the application, never from the web root."""

from django.contrib.auth.decorators import login_required
from django.http import Http404

from portal.files import serve_stored_file

from .common import get_application


def _serve(field_file, name, content_type):
    return serve_stored_file(field_file, name, content_type=content_type)


@login_required
def attachment(request, pk, attachment_pk):
    application = get_application(request, pk)
    found = next((a for a in application.attachments.all() if a.pk == attachment_pk), None)
    if found is None:
        raise Http404
    return _serve(found.file, found.original_name, found.content_type)


@login_required
def receipt(request, pk, receipt_pk):
    application = get_application(request, pk)
    found = next((r for r in application.receipts.all() if r.pk == receipt_pk), None)
    if found is None or not found.pdf:
        raise Http404
    return _serve(found.pdf, found.pdf.name.rsplit("/", 1)[-1], "application/pdf")
