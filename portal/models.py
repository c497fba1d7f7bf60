"""Who is who: users, the counties and County Governor offices, organisations and memberships."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from .i18n import ChoiceLabelsMixin
from .offices import office_title
from .validators import (
    format_organisation_number,
    normalise_organisation_number,
    validate_county_number,
    validate_municipality_number,
    validate_organisation_number,
)


class LanguageForm(models.TextChoices):
    """The written standard an organisation has chosen (språklova § 14). Neutral: the sender may
    write in either; which one the portal writes in is `portal.language_forms.written_language_form`."""

    BOKMAL = "nb", _("Bokmål")
    NYNORSK = "nn", _("Nynorsk")
    NEUTRAL = "neutral", _("Neutral (bokmål or nynorsk)")


WRITTEN_LANGUAGE_FORMS = [(LanguageForm.BOKMAL, LanguageForm.BOKMAL.label),
                          (LanguageForm.NYNORSK, LanguageForm.NYNORSK.label)]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Logs in with e-mail; what they may do comes from their memberships."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("technical staff"), default=False, help_text=_("Technical operators only; office admins get in by their role.")
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    session_epoch = models.PositiveIntegerField(
        _("session generation"), default=0, editable=False,
        help_text=_("Raised to end every session of the user (portal.services.sessions_end)."))
    context_version = models.PositiveBigIntegerField(
        _("context version"), default=0, editable=False,
        help_text=_("Raised by the database whenever the user's memberships, their organisations or offices, "
                    "or their notifications change (portal.user_context)."))

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def _get_session_auth_hash(self, secret=None):
        """What every session of the user carries and Django compares on each request (also for the
        SECRET_KEY_FALLBACKS): the password, as in Django, and the session epoch. Raising the epoch
        ends every session at its next request; users without a usable password (OpenID Connect)
        have one all the same (Django stores "!" and a random string). At epoch 0 the hash is
        Django's own, so the sessions made before the epoch existed stay valid."""
        return salted_hmac(
            "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
            f"{self.password}:{self.session_epoch}" if self.session_epoch else self.password,
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class County(models.Model):
    number = models.CharField(_("county number"), max_length=2, unique=True, validators=[validate_county_number])
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("county")
        verbose_name_plural = _("counties")
        ordering = ["number"]

    def __str__(self):
        return f"{self.number} {self.name}"


class Office(models.Model):
    """A County Governor office (Fylkesmannen / Statsforvalteren), covering one or more counties."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    name_en = models.CharField(_("name in English"), max_length=150, blank=True)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    postal_address = models.TextField(_("postal address"), blank=True)
    counties = models.ManyToManyField(County, related_name="offices", verbose_name=_("counties"))
    neutral_language_form = models.CharField(
        _("language form for neutral organisations"), max_length=2, choices=WRITTEN_LANGUAGE_FORMS,
        default=LanguageForm.BOKMAL,
        help_text=_("Letters and e-mails to an organisation that is neutral in its language form are written in this."),
    )

    class Meta:
        verbose_name = _("County Governor office")
        verbose_name_plural = _("County Governor offices")
        ordering = ["name"]

    def __str__(self):
        """Its name today (`office_title`: Statsforvalteren since 2021); where a round is named, its
        year's name comes from `Round.office_title`."""
        return office_title(self, timezone.localdate().year)


class OrganisationKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    COUNTY_MUNICIPALITY = "county_municipality", _("County municipality")
    STATE_BODY = "state_body", _("State body")

    @classmethod
    def plural_labels(cls, kinds) -> list[str]:
        """'Municipalities, County municipalities, State bodies' in the scheme's order."""
        plural = {
            cls.MUNICIPALITY: _("Municipalities"),
            cls.COUNTY_MUNICIPALITY: _("County municipalities"),
            cls.STATE_BODY: _("State recipients"),
        }
        return [str(plural[kind]) for kind in cls.values if kind in kinds]


class Organisation(models.Model):
    """A body that may apply: a municipality, a county municipality or a (net-budgeted) state body."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    organisation_number = models.CharField(
        _("organisation number"), max_length=9, unique=True, validators=[validate_organisation_number]
    )
    municipality_number = models.CharField(
        _("municipality number"), max_length=4, blank=True, validators=[validate_municipality_number]
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="organisations", verbose_name=_("county")
    )
    net_budgeted = models.BooleanField(
        _("net-budgeted"), default=False, help_text=_("Only net-budgeted state bodies may apply.")
    )
    language_form = models.CharField(
        _("language form"), max_length=10, choices=LanguageForm.choices, default=LanguageForm.BOKMAL,
        help_text=_("Letters and e-mails to the organisation are written in this form. Neutral: in the form "
                    "the County Governor's office has chosen for neutral organisations."),
    )
    language_form_set_at = models.DateTimeField(
        _("language form set"), null=True, blank=True, editable=False,
        help_text=_("When the organisation or its office last set the language form. Empty: it comes from the "
                    "reference register, which may then update it."),
    )
    email = models.EmailField(_("e-mail address"), blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality_number"],
                condition=Q(kind=OrganisationKind.MUNICIPALITY),
                name="organisation_unique_municipality_number",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        self.organisation_number = normalise_organisation_number(self.organisation_number)
        errors = {}
        if self.kind == OrganisationKind.MUNICIPALITY and not self.municipality_number:
            errors["municipality_number"] = _("A municipality needs its municipality number.")
        if self.municipality_number and self.county_id and not errors:
            if self.municipality_number[:2] != self.county.number:
                errors["municipality_number"] = _(
                    "The first two digits of the municipality number must be the county number (%(county)s)."
                ) % {"county": self.county.number}
        if errors:
            raise ValidationError(errors)

    @property
    def organisation_number_display(self) -> str:
        return format_organisation_number(self.organisation_number)

    @property
    def office(self):
        return self.county.offices.first()


class Role(models.TextChoices):
    EDITOR = "editor", _("Municipal editor")
    SIGNATORY = "signatory", _("Signatory")
    CASEWORKER = "caseworker", _("Caseworker")
    APPROVER = "approver", _("Approver")
    OFFICE_ADMIN = "office_admin", _("Office administrator")
    NATIONAL_ADMIN = "national_admin", _("National administrator")


ORGANISATION_ROLES = (Role.EDITOR, Role.SIGNATORY)
OFFICE_ROLES = (Role.CASEWORKER, Role.APPROVER, Role.OFFICE_ADMIN)
# Where each role is held (a membership's, an invitation's check constraint): in an organisation,
# in an office, or nationally.
ROLE_MATCHES_PLACE = (
    Q(role__in=[r.value for r in ORGANISATION_ROLES], organisation__isnull=False, office__isnull=True)
    | Q(role__in=[r.value for r in OFFICE_ROLES], organisation__isnull=True, office__isnull=False)
    | Q(role=Role.NATIONAL_ADMIN, organisation__isnull=True, office__isnull=True)
)


class Membership(ChoiceLabelsMixin, models.Model):
    """A user's role in one organisation (editor, signatory), one office (caseworker, approver,
    office admin), or nationally (national admin at Helsedirektoratet)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships",
        verbose_name=_("organisation"),
    )
    office = models.ForeignKey(
        Office, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("office")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["user__email", "role"]
        constraints = [
            models.CheckConstraint(
                name="membership_role_matches_scope",
                condition=ROLE_MATCHES_PLACE,
            ),
            models.UniqueConstraint(
                fields=["user", "role", "organisation"], condition=Q(organisation__isnull=False),
                name="membership_unique_organisation_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "office"], condition=Q(office__isnull=False),
                name="membership_unique_office_role",
            ),
            models.UniqueConstraint(
                fields=["user"], condition=Q(role=Role.NATIONAL_ADMIN), name="membership_unique_national_admin"
            ),
        ]

    def __str__(self):
        where = self.organisation or self.office or _("Helsedirektoratet")
        return f"{self.user} – {self.get_role_display()} – {where}"


class Delivery(models.TextChoices):
    """How an e-mail went (see `portal.mail` for the one at-most-once policy)."""

    CLAIMED = "claimed", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Not sent")
    UNCERTAIN = "uncertain", _("Perhaps sent: the mail server did not confirm it")


class SentEmail(models.Model):
    """One e-mail the portal has claimed to send, by its idempotency key. The row is written and
    committed before sending, so a retried or repeated task sends the same e-mail at most once;
    `status` says how it went, and the office named sees it when it was not sent."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    recipients = models.JSONField(_("recipients"), default=list)
    subject = models.TextField(_("subject"))
    office = models.ForeignKey(Office, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("office"))
    status = models.CharField(_("status"), max_length=20, choices=Delivery.choices, default=Delivery.CLAIMED)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)
    created_at = models.DateTimeField(_("claimed"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("last claimed"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("sent e-mail")
        verbose_name_plural = _("sent e-mails")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["office", "status"], name="sentemail_office_status")]

    def __str__(self):
        return f"{self.subject} ({self.key})"


class SubmittedForm(models.Model):
    """One sending of a form, by the idempotency key the page rendered into it (`portal.idempotency`).
    Written in the same transaction as what the form did, so a double click or a retried POST finds
    it (or waits on it, while the first is still at work) and is answered with the first's outcome
    instead of doing it again. Kept a day (`portal.idempotency.KEEP`), then purged."""

    key = models.UUIDField(_("key"), primary_key=True)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("user"))
    path = models.CharField(_("address"), max_length=500)
    outcome = models.CharField(_("where the answer led"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("sent"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("submitted form")
        verbose_name_plural = _("submitted forms")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.path} ({self.key})"


class Notification(models.Model):
    """Something a user should know: a status change, a request for information, a decision, a
    reminder. Shown in the user's list with an unread count. The text is built when shown, from
    `kind` and `data`, so it reads in the user's current language."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("user"))
    kind = models.CharField(_("kind"), max_length=40)
    data = models.JSONField(_("details"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return f"{self.user} – {self.kind}"


class IdentityProvider(models.TextChoices):
    """The OpenID Connect providers a person may log in through (configured in settings.OIDC_PROVIDERS)."""

    IDPORTEN = "idporten", "ID-porten"
    OFFICE = "office", _("the state's identity provider")


class Identity(models.Model):
    """A person's login at an identity provider, linked to their portal user by the provider's stable
    subject (`sub`), never by a name or an e-mail address. Made when an invited person first logs in."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="identities", verbose_name=_("user"))
    provider = models.CharField(_("identity provider"), max_length=20, choices=IdentityProvider.choices)
    subject = models.CharField(_("subject identifier"), max_length=255, help_text=_("The provider's stable identifier of the person."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last login"), null=True, blank=True)

    class Meta:
        verbose_name = _("login identity")
        verbose_name_plural = _("login identities")
        ordering = ["provider", "subject"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="identity_unique_provider_subject"),
        ]

    def __str__(self):
        return f"{self.get_provider_display()}: {self.subject} – {self.user}"
