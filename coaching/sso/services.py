"""Accounts from single sign-on: who may sign in, which Gong user they are, and which role they get.

The rule, in order (the first that fails refuses the sign-in with a reason, and nothing is created):
1. the email's domain is in SSO_ALLOWED_DOMAINS, and the provider says the email is verified;
2. the email matches an active Gong user — or an account an admin already created for someone outside Gong
   (coaching ops, staff, a superuser): those sign in as the account they have;
3. the Django account is created on first sign-in (username = email), linked to its Gong user, and given its
   role from Gong: `manager` when the Gong user manages anyone or their coaching role is Manager, else `rep` —
   unless an erasure tombstoned the email or the Gong user id (core.tombstones): an erased person gets no account.
   Roles an admin granted (coaching ops, staff, superuser) are never taken away by a sign-in.
An account an admin deactivated stays deactivated; users_sync deactivates the accounts of deactivated Gong users.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from coaching.access import ALL_SEEING_GROUPS, GROUP_MANAGER, GROUP_REP
from core.errors import ApplicationError
from core.models import TombstoneKind
from core.tombstones import erased_among
from gong.models import GongUser, RepRole
from gong.selectors import user_get_by_email, user_reports
from gong.services.users import user_link_django_user


class SignInRefused(ApplicationError):
    """The identity provider vouched for someone callcoach does not admit (the message says why)."""


def sso_email_admitted(*, claims: dict) -> str:
    """The claims' email, lower-cased, when its domain is allowed and it is verified; else SignInRefused."""
    email = str(claims.get("email") or "").strip().lower()
    if "@" not in email:
        raise SignInRefused("The sign-in provider sent no email address.")
    domain = email.rsplit("@", 1)[1]
    if domain not in settings.SSO_ALLOWED_DOMAINS:
        raise SignInRefused(f"Accounts at {domain} may not sign in here.")
    verified = claims.get("email_verified")
    if settings.SSO_REQUIRE_EMAIL_VERIFIED and verified not in (True, "true", "True"):
        raise SignInRefused("The sign-in provider has not verified this email address.")
    return email


def _erased(*, email: str, gong_user: GongUser) -> bool:
    """True when an erasure tombstoned the email or the Gong user's id (the erasure sticks against sign-in too)."""
    return bool(
        erased_among(kind=TombstoneKind.PERSON, subjects=[email])
        or erased_among(kind=TombstoneKind.GONG_USER, subjects=[gong_user.pk])
    )


def _role_group(gong_user: GongUser) -> str:
    if gong_user.role == RepRole.MANAGER or user_reports(manager_id=gong_user.pk, recursive=False):
        return GROUP_MANAGER
    return GROUP_REP


def _existing_account(email: str):
    return get_user_model().objects.filter(email__iexact=email).order_by("-is_active", "pk").first()


def _is_admin_granted(user) -> bool:
    return user.is_superuser or user.groups.filter(name__in=ALL_SEEING_GROUPS).exists()


def _role_apply(user, gong_user: GongUser) -> None:
    """Put the account in the rep or manager group Gong implies (admin-granted groups untouched)."""
    wanted = _role_group(gong_user)
    other = GROUP_REP if wanted == GROUP_MANAGER else GROUP_MANAGER
    user.groups.add(Group.objects.get_or_create(name=wanted)[0])
    user.groups.remove(*Group.objects.filter(name=other))


@transaction.atomic
def sso_account_for_claims(*, claims: dict):
    """The Django user these verified OIDC claims sign in as (created and linked on first sign-in).

    Raises SignInRefused when the rule in this module's docstring refuses them. Idempotent.
    """
    email = sso_email_admitted(claims=claims)
    gong_user = user_get_by_email(email=email)
    account = _existing_account(email)
    if gong_user is None or not gong_user.active:
        if account is not None and account.is_active and _is_admin_granted(account):
            return account
        if gong_user is not None:
            raise SignInRefused("This Gong user is deactivated.")
        raise SignInRefused("No Gong user has this email address: ask your callcoach admin.")
    if account is None:
        if _erased(email=email, gong_user=gong_user):
            raise SignInRefused("This person was erased from callcoach and may not sign in: ask your callcoach admin.")
        account = get_user_model().objects.create_user(username=email[:150], email=email)
        account.first_name, account.last_name = gong_user.first_name[:150], gong_user.last_name[:150]
        account.is_staff = True  # the portal is the Django admin; what the account sees is decided by its Viewer
        account.set_unusable_password()
        account.save()
    if not account.is_active:
        raise SignInRefused("This account is deactivated.")
    user_link_django_user(user=account)
    _role_apply(account, gong_user)
    return account
