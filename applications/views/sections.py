"""The application's own sections: contact and cover letter, and the competence plan."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal.autosave import autosave_response, is_autosave
from portal.exceptions import ServiceError, StaleEdit
from portal.idempotency import idempotent_post

from ..completeness import SectionKey, competence_plan
from ..forms import DetailsForm, PlanForm
from ..models import AttachmentKind
from ..rules import competence_plan_is_up_to_date
from ..services import application_details_save, application_plan_save
from .common import get_application_for_edit


def _section_view(request, pk, *, form_class, version_field, save, template, title, extra=None, with_lines=True):
    application, refusal = get_application_for_edit(request, pk, with_lines=with_lines)
    version = getattr(application, version_field)
    conflict = None
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, instance=application, version=version)
        if refusal:
            return _refused(request, template, form, application, title, refusal, extra)
        if form.is_valid():
            base_version = form.cleaned_data.get("version")
            base_version = version if base_version is None else base_version
            try:
                saved = save(application=application, user=request.user, form=form, base_version=base_version)
            except StaleEdit as stale:
                conflict = stale
                if is_autosave(request):
                    return autosave_response(conflict=stale, version=stale.current_version, status=409)
                # Keep what the user typed; the next save is based on what is stored now.
                data = request.POST.copy()
                data["version"] = stale.current_version
                form = form_class(data, instance=application, version=stale.current_version)
                form.is_valid()
            except ValidationError as error:
                form.add_error("file" if "file" in form.fields else None, error)
            except ServiceError as error:
                return _refused(request, template, form, application, title, str(error), extra)
            else:
                if is_autosave(request):
                    return autosave_response(version=getattr(saved, version_field))
                messages.success(request, _("%(section)s saved.") % {"section": title})
                if "save_and_stay" in request.POST:
                    return redirect(request.path)
                return redirect(application.get_absolute_url())
        elif is_autosave(request):
            return autosave_response(errors=form.errors, version=version, status=400)
    else:
        form = form_class(instance=application, version=version)
    context = {"application": application, "form": form, "conflict": conflict, "section_title": title}
    context.update(extra(application) if extra else {})
    return render(request, template, context)


def _refused(request, template, form, application, title, reason, extra=None):
    """Nothing was saved: show why, with everything the user typed still in the form."""
    if is_autosave(request):
        return autosave_response(conflict=reason, status=409)
    form.add_error(None, _("Not saved: %(reason)s What you typed is kept below; copy it before you leave.")
                   % {"reason": reason})
    context = {"application": application, "form": form, "conflict": None, "section_title": title}
    context.update(extra(application) if extra else {})
    return render(request, template, context, status=409)


@login_required
@idempotent_post
def details(request, pk):
    def save(*, application, user, form, base_version):
        return application_details_save(application=application, user=user, data=form.cleaned_data,
                                        base_version=base_version)

    return _section_view(request, pk, form_class=DetailsForm, version_field="details_version", save=save,
                         template="applications/section_details.html", title=SectionKey.DETAILS.label,
                         with_lines=False)  # contact and cover letter: the lines are not read (CPU on deadline day)


@login_required
@idempotent_post
def plan(request, pk):
    def save(*, application, user, form, base_version):
        return application_plan_save(application=application, user=user, data=form.cleaned_data,
                                     base_version=base_version, upload=form.cleaned_data.get("file"))

    def extra(application):
        return {"plan": competence_plan(application), "plan_up_to_date": competence_plan_is_up_to_date(application),
                "plans": [a for a in application.attachments.all() if a.kind == AttachmentKind.COMPETENCE_PLAN]}

    return _section_view(request, pk, form_class=PlanForm, version_field="plan_version", save=save,
                         template="applications/section_plan.html", title=SectionKey.PLAN.label, extra=extra)
