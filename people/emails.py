"""The invitation e-mail: composed in the invited place's language form, sent at most once per
sending (`portal.mail.send_once`, keyed by the invitation and how many times it was sent)."""

from django.conf import settings
from django.urls import reverse

from portal.language_forms import written_language_form
from portal.mail import render_email, send_once
from portal.models import LanguageForm

from .links import link_token
from .models import Invitation
from .selectors import invitation_email_key


def invitation_link(token: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse("people:invitation", args=[token])


def invitation_language(invitation: Invitation) -> str:
    """An organisation's people are written to in the form it writes in (`written_language_form`);
    offices and Helsedirektoratet in bokmål."""
    if invitation.organisation is not None:
        return written_language_form(invitation.organisation, invitation.organisation.office)
    return LanguageForm.BOKMAL


def invitation_email(*, invitation_id: int, sent_count: int) -> bool:
    """E-mail the invitation's link, once for this sending. Nothing is sent when the invitation was
    sent again since (a newer link exists), accepted or withdrawn. True when it was sent now."""
    invitation = Invitation.objects.select_related("organisation", "office", "invited_by").get(pk=invitation_id)
    if invitation.sent_count != sent_count or invitation.accepted_at or invitation.revoked_at:
        return False
    language = invitation_language(invitation)
    context = {
        "invitation": invitation,
        "where": invitation.where,
        "role": invitation.get_role_display,
        "inviter": invitation.invited_by.get_full_name() if invitation.invited_by else "",
        "link": invitation_link(link_token(invitation.link_nonce)),
        "expires_at": invitation.expires_at,
    }
    subject, body = render_email(subject_template="people/email/invitation_subject.txt",
                                 body_template="people/email/invitation_body.txt", context=context, language=language)
    office_id = invitation.office_id
    if office_id is None and invitation.organisation is not None:
        office = invitation.organisation.office
        office_id = office.pk if office else None
    return send_once(key=invitation_email_key(invitation.pk, sent_count), to=[invitation.email], subject=subject,
                     body=body, language=language, office_id=office_id)
