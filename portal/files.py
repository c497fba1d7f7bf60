"""Serving stored files. Every download goes through here: as an attachment, never rendered in
the portal's origin, with the content type we detected at upload and no sniffing."""

import mimetypes

from django.http import FileResponse, Http404


def serve_stored_file(field_file, name: str, *, content_type: str | None = None) -> FileResponse:
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404
    content_type = content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
