"""Public pages: the scheme, the open rounds, one round. No login needed."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from portal.files import serve_stored_file

from .hooks import round_panels
from .models import Round, Scheme
from .selectors import round_get_public, rounds_closed, rounds_open_by_office, scheme_get_public


def home(request):
    """The front page: the schemes and the rounds open now, by office."""
    return render(request, "schemes/home.html", {
        "schemes": Scheme.objects.all(),
        "rounds_by_office": rounds_open_by_office(),
    })


def scheme_detail(request, slug):
    try:
        scheme = scheme_get_public(slug=slug)
    except Scheme.DoesNotExist:
        raise Http404
    return render(request, "schemes/scheme_detail.html", {
        "scheme": scheme,
        "rounds_by_office": rounds_open_by_office(scheme=scheme),
    })


def round_list(request):
    return render(request, "schemes/round_list.html", {
        "rounds_by_office": rounds_open_by_office(),
        "closed_rounds": rounds_closed(),
    })


def round_detail(request, pk):
    try:
        round_ = round_get_public(pk=pk)
    except Round.DoesNotExist:
        raise Http404
    return render(request, "schemes/round_detail.html", {"round": round_, "scheme": round_.scheme,
                                                         "panels": round_panels(request, round_)})


@require_safe
def round_document(request, pk, document_pk):
    """A document of a published round, served from storage outside the web root."""
    try:
        round_ = round_get_public(pk=pk)
    except Round.DoesNotExist:
        raise Http404
    document = get_object_or_404(round_.documents.exclude(file=""), pk=document_pk)
    return serve_stored_file(document.file, document.file.name.rsplit("/", 1)[-1])
