"""Competence measures and innovation projects: many per application, each saved on its own."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.autosave import autosave_response, is_autosave
from portal.exceptions import ServiceError, StaleEdit
from portal.idempotency import idempotent_post

from ..exceptions import LineRuleError
from ..forms import MeasureForm, ProjectForm
from ..models import CompetenceMeasure, InnovationProject, LinePart
from ..permissions import can_edit_application
from ..selectors import application_totals
from ..services import line_remove, measure_save, project_save
from .common import get_application, get_application_for_edit, get_editable_application

KINDS = {
    LinePart.MEASURE: {"model": CompetenceMeasure, "form": MeasureForm, "save": measure_save, "pk_arg": "measure_pk",
                "list": "applications:measures", "edit": "applications:measure_edit",
                "template": "applications/measure_form.html"},
    LinePart.PROJECT: {"model": InnovationProject, "form": ProjectForm, "save": project_save, "pk_arg": "project_pk",
                "list": "applications:projects", "edit": "applications:project_edit",
                "template": "applications/project_form.html"},
}


def _form_kwargs(kind, application):
    kwargs = {"scheme": application.round.scheme}
    if kind == LinePart.PROJECT:
        kwargs["application"] = application
    return kwargs


def _lines(application, kind):
    return list(application.measures.all() if kind == LinePart.MEASURE else application.projects.all())


def _list(request, pk, kind, template):
    application = get_application(request, pk)
    return render(request, template, {
        "application": application, "lines": _lines(application, kind),
        "totals": application_totals(application=application),
        "can_edit": can_edit_application(request.user, application),
    })


@login_required
def measures(request, pk):
    return _list(request, pk, LinePart.MEASURE, "applications/measures.html")


@login_required
def projects(request, pk):
    return _list(request, pk, LinePart.PROJECT, "applications/projects.html")


def _line_form(request, pk, kind, line_pk=None):
    spec = KINDS[kind]
    application, refusal = get_application_for_edit(request, pk)
    line = None
    form_action = ""
    conflict = None
    if line_pk is not None:
        line = next((item for item in _lines(application, kind) if item.pk == line_pk), None)
        if line is None and request.method != "POST":
            raise Http404
        if line is None:
            # a colleague removed it while this page was open: keep the text, offer to add it anew
            conflict = StaleEdit(removed=True)
            form_action = reverse(spec["list"], kwargs={"pk": application.pk}) + "add/"
            line_pk = None
    version = line.version if line else 0
    form_kwargs = _form_kwargs(kind, application)
    if request.method == "POST":
        form = spec["form"](request.POST, instance=line or spec["model"](application=application),
                            version=version, **form_kwargs)
        if refusal or conflict:
            if is_autosave(request):
                return autosave_response(conflict=refusal or conflict, status=409)
            if refusal:
                form.add_error(None, _("Not saved: %(reason)s What you typed is kept below; copy it before you "
                                       "leave.") % {"reason": refusal})
            form.is_valid()
            return render(request, spec["template"], {
                "application": application, "form": form, "line": None, "conflict": conflict,
                "form_action": form_action}, status=409)
        if form.is_valid():
            data = dict(form.cleaned_data)
            base = data.pop("version")
            try:
                saved = spec["save"](application=application, user=request.user, data=data,
                                     base_version=version if base is None else base,
                                     **{spec["pk_arg"]: line_pk})
            except StaleEdit as stale:
                conflict = stale
                if is_autosave(request):
                    return autosave_response(conflict=stale, version=stale.current_version, status=409)
                posted = request.POST.copy()
                posted["version"] = stale.current_version
                form = spec["form"](posted, instance=line, version=stale.current_version, **form_kwargs)
                form.is_valid()
            except LineRuleError as error:
                for field, message in error.errors.items():
                    form.add_error(field if field in form.fields else None, message)
                if is_autosave(request):
                    return autosave_response(errors=form.errors, version=version, status=400)
            except ServiceError as error:
                if is_autosave(request):
                    return autosave_response(conflict=error, status=409)
                form.add_error(None, _("Not saved: %(reason)s What you typed is kept below; copy it before you "
                                       "leave.") % {"reason": error})
                return render(request, spec["template"], {
                    "application": application, "form": form, "line": line, "conflict": None}, status=409)
            else:
                edit_url = reverse(spec["edit"], kwargs={"pk": application.pk, "line_pk": saved.pk})
                if is_autosave(request):
                    return autosave_response(version=saved.version, edit_url=edit_url)
                messages.success(request, _("%(title)s saved.") % {"title": saved.title})
                if "save_and_add" in request.POST:
                    return redirect(request.path if line_pk is None else
                                    reverse(spec["list"], kwargs={"pk": application.pk}) + "add/")
                return redirect(reverse(spec["list"], kwargs={"pk": application.pk}))
        elif is_autosave(request):
            return autosave_response(errors=form.errors, version=version, status=400)
    else:
        form = spec["form"](instance=line, version=version, **form_kwargs)
    return render(request, spec["template"], {
        "application": application, "form": form, "line": line, "conflict": conflict,
    })


@login_required
@idempotent_post
def measure_add(request, pk):
    return _line_form(request, pk, LinePart.MEASURE)


@login_required
@idempotent_post
def measure_edit(request, pk, line_pk):
    return _line_form(request, pk, LinePart.MEASURE, line_pk)


@login_required
@idempotent_post
def project_add(request, pk):
    return _line_form(request, pk, LinePart.PROJECT)


@login_required
@idempotent_post
def project_edit(request, pk, line_pk):
    return _line_form(request, pk, LinePart.PROJECT, line_pk)


def _line_delete(request, pk, kind, line_pk):
    spec = KINDS[kind]
    application = get_editable_application(request, pk)
    line = next((item for item in _lines(application, kind) if item.pk == line_pk), None)
    list_url = reverse(spec["list"], kwargs={"pk": application.pk})
    if line is None:
        messages.info(request, _("The line was already removed."))
        return redirect(list_url)
    if request.method == "POST":
        try:
            base = int(request.POST.get("version", line.version))
            line_remove(application=application, user=request.user, model=spec["model"], line_pk=line.pk,
                        base_version=base)
        except (StaleEdit, ValueError):
            messages.error(request, _("%(title)s was changed by someone else after you opened it, and was not "
                                      "removed. Check it and try again.") % {"title": line.title})
            return redirect(list_url)
        except ServiceError as error:
            messages.error(request, str(error))
            return redirect(application.get_absolute_url())
        messages.success(request, _("%(title)s removed.") % {"title": line.title})
        return redirect(list_url)
    return render(request, "applications/line_confirm_delete.html", {
        "application": application, "line": line, "list_url": list_url,
    })


@login_required
@idempotent_post
def measure_delete(request, pk, line_pk):
    return _line_delete(request, pk, LinePart.MEASURE, line_pk)


@login_required
@idempotent_post
def project_delete(request, pk, line_pk):
    return _line_delete(request, pk, LinePart.PROJECT, line_pk)



