"""Invitations to a role, and the log of who gave, changed or removed which role (what the office
reads). The roles themselves are the core's `portal.Membership`."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import ROLE_MATCHES_PLACE, Office, Organisation, Role


class InvitationState(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Withdrawn")


class Invitation(models.Model):
    """An e-mail inviting one address to one role in one organisation, office or nationally. The
    link's token is made from `link_nonce` under SECRET_KEY (`people.links`); only its SHA-256 is
    stored. It works once, until `expires_at`, for the address it was sent to. Sending it again
    draws a new nonce (the old link stops working)."""

    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="invitations", verbose_name=_("organisation"))
    office = models.ForeignKey(Office, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations",
                               verbose_name=_("office"))
    link_nonce = models.CharField(_("link nonce"), max_length=32, default="", editable=False)
    token_hash = models.CharField(_("token (SHA-256)"), max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="invitations_sent", verbose_name=_("invited by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_count = models.PositiveSmallIntegerField(_("times sent"), default=1)
    last_sent_at = models.DateTimeField(_("last sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("accepted by"))
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("withdrawn by"))

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-last_sent_at", "-id"]
        constraints = [
            models.CheckConstraint(name="invitation_role_matches_scope", condition=ROLE_MATCHES_PLACE),
            # one open invitation per address, role and place: inviting again sends the same one again
            models.UniqueConstraint(
                fields=["email", "role", "organisation", "office"], nulls_distinct=False,
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True), name="invitation_one_open",
            ),
        ]

    def __str__(self):
        return f"{self.email} – {self.get_role_display()}"

    def state(self, now=None) -> str:
        if self.accepted_at:
            return InvitationState.ACCEPTED
        if self.revoked_at:
            return InvitationState.REVOKED
        if self.expires_at <= (now or timezone.now()):
            return InvitationState.EXPIRED
        return InvitationState.PENDING

    @property
    def is_pending(self) -> bool:
        return self.state() == InvitationState.PENDING

    def get_state_display(self) -> str:
        return InvitationState(self.state()).label

    @property
    def where(self):
        return self.organisation or self.office


class AccessEventKind(models.TextChoices):
    INVITED = "invited", _("Invited")
    INVITATION_SENT_AGAIN = "invitation_sent_again", _("Invitation sent again")
    INVITATION_REVOKED = "invitation_revoked", _("Invitation withdrawn")
    INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
    ROLE_CHANGED = "role_changed", _("Role changed")
    ROLE_REMOVED = "role_removed", _("Role removed")
    DEACTIVATED = "deactivated", _("Person deactivated")
    REACTIVATED = "reactivated", _("Person reactivated")


class AccessEvent(models.Model):
    """One change to who may do what: an invitation, an acceptance, a role changed or removed, a
    person deactivated. Written by the people services only, never edited; the office reads those of
    its own office and of the organisations in its counties."""

    kind = models.CharField(_("what"), max_length=30, choices=AccessEventKind.choices)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("by"))
    person = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="access_events", verbose_name=_("person"))
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    previous_role = models.CharField(_("previous role"), max_length=20, choices=Role.choices, blank=True)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="access_events", verbose_name=_("organisation"))
    office = models.ForeignKey(Office, null=True, blank=True, on_delete=models.CASCADE, related_name="access_events",
                               verbose_name=_("office"))

    class Meta:
        verbose_name = _("access event")
        verbose_name_plural = _("access events")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.email}"

    @property
    def where(self):
        return self.organisation or self.office


def people_url(*, organisation_id=None, office_id=None) -> str:
    """The people page of an organisation, an office, or (neither) Helsedirektoratet's."""
    if organisation_id:
        return reverse("people:organisation", args=[organisation_id])
    if office_id:
        return reverse("people:office", args=[office_id])
    return reverse("people:national")
