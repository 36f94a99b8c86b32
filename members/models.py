from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .org_ids import OrgIdField


class MemberManager(BaseUserManager["Member"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> "Member":
        if not email:
            raise ValueError("A member needs an email address.")
        member = self.model(email=self.normalize_email(email).lower(), **extra)
        member.set_password(password)
        member.save(using=self._db)
        return member

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "Member":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class Member(AbstractBaseUser, PermissionsMixin):
    """A person with an account. Email is the login; there is no username."""

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=120,
        blank=True,
        help_text=_("How we greet you and show you to venue managers."),
    )
    is_staff = models.BooleanField(_("staff"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # The booker's name is in managers' calendar feeds: their ETag follows this (indexed for
    # feeds.poll's newest updated_at).
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = MemberManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.display_name or self.email

    def get_full_name(self) -> str:
        return self.display_name or self.email

    def get_short_name(self) -> str:
        return self.display_name or self.email.split("@")[0]

    def close(self) -> None:
        """Scrub this account for good (operations.privacy.close_account): no name, an address
        at the reserved .invalid domain nobody writes to, no password (which also ends its
        sessions), no role anywhere. The row stays because bookings point at it."""
        self.email = f"closed-{self.pk}@deleted.invalid"
        self.display_name = "Former member"
        self.is_active = self.is_staff = self.is_superuser = False
        self.set_unusable_password()
        self.save()
        self.memberships.all().delete()
        self.managed_venues.clear()


class Organisation(models.Model):
    """A charity, community group, social enterprise, business, freelancer or public body."""

    class Kind(models.TextChoices):
        CHARITY = "charity", _("Charity")
        COMMUNITY_GROUP = "community_group", _("Community group")
        SOCIAL_ENTERPRISE = "social_enterprise", _("Social enterprise")
        BUSINESS = "business", _("Business")
        FREELANCER = "freelancer", _("Freelancer (sole trader)")
        PUBLIC_BODY = "public_body", _("Public body")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)

    class LegalForm(models.TextChoices):
        CHARITY = "charity", _("Registered charity (trust or association)")
        CIO = "cio", _("Charitable incorporated organisation (CIO or SCIO)")
        COMPANY_BY_GUARANTEE = "clg", _("Company limited by guarantee")
        COMPANY_BY_SHARES = "ltd", _("Company limited by shares")
        CIC = "cic", _("Community interest company (CIC)")
        SOCIETY = "society", _("Co-operative or community benefit society")
        UNINCORPORATED = "unincorporated", _("Unincorporated association (a group or club)")
        SOLE_TRADER = "sole_trader", _("Sole trader")
        PUBLIC_BODY = "public_body", _("Public body (council, NHS, school)")
        OTHER = "other", _("Other")

    legal_form = models.CharField(
        _("legal form"), max_length=16, choices=LegalForm.choices, blank=True
    )
    # Normalised and validated by OrgIdField (members/org_ids.py); unique when given.
    org_id = OrgIdField(
        _("organisation identifier"),
        max_length=40,
        blank=True,
        help_text=_(
            "Its number on a public register in the org-id form, e.g. GB-CHC-1234567 for a "
            "registered charity or GB-COH-01234567 for a company. Leave blank if it has none."
        ),
    )
    postcode_district = models.CharField(
        _("postcode district"),
        max_length=4,
        blank=True,
        help_text=_("The first half of the postcode, e.g. B16."),
    )
    contact_email = models.EmailField(
        _("contact email"), blank=True, help_text=_("Where venues write about bookings and bills.")
    )
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    members = models.ManyToManyField(
        Member, through="OrganisationMembership", related_name="organisations"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Its name is in feeds: their ETag follows it; indexed for feeds.poll's newest updated_at.
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["org_id"],
                condition=~Q(org_id=""),
                name="organisation_org_id_unique",
                violation_error_message=_(
                    "Another organisation on Commonshare already has this identifier. If it is "
                    "yours, ask the venue to merge the two."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OrganisationMembership(models.Model):
    """Who belongs to which organisation, and whether they manage it."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Organisation admin")
        MEMBER = "member", _("Member")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation membership")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "member"], name="one_membership_per_organisation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} – {self.organisation} ({self.get_role_display()})"


class Invitation(models.Model):
    """An invitation sent to an email address that has no account yet, accepted when someone
    signs up and confirms that address: to join an organisation (below), or to manage a venue
    (spaces.ManagerInvitation)."""

    email = models.EmailField(_("email address"))  # stored lower-case
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("invited at"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class Meta:
        abstract = True


class OrganisationInvitation(Invitation):
    """An invitation to join an organisation, sent to an email address that has no account yet.
    It is accepted when someone signs up and confirms that address (members.organisations)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(
        _("role"),
        max_length=16,
        choices=OrganisationMembership.Role.choices,
        default=OrganisationMembership.Role.MEMBER,
    )

    class Meta:
        verbose_name = _("organisation invitation")
        verbose_name_plural = _("organisation invitations")
        ordering = ["-created_at"]
        constraints = [
            # Inviting the same address again refreshes its open invitation.
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=Q(accepted_at__isnull=True),
                name="one_open_organisation_invitation_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"


from .audit import AuditEntry  # noqa: E402, F401  the audit trail's model lives with its helpers
