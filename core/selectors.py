"""Core reads: Django users by email or id, and a user's API tokens."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from core.errors import NotFound
from core.models import ApiToken


def user_get_by_email(*, email: str):
    """The active Django user with this email or username (case-insensitive); NotFound otherwise."""
    email = (email or "").strip()
    users = get_user_model().objects.filter(is_active=True)
    user = users.filter(email__iexact=email).order_by("pk").first() if email else None
    if user is None and email:
        user = users.filter(username__iexact=email).order_by("pk").first()
    if user is None:
        raise NotFound(f"No active user with email {email!r}.")
    return user


def user_get_active(*, user_id: int):
    """The active Django user with this id; NotFound otherwise."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise NotFound("The user this request acts as no longer exists or is inactive.")
    return user


def tokens_for_user(*, user_email: str) -> list[ApiToken]:
    """The user's tokens, newest first (for `mcp_token --list`)."""
    user = user_get_by_email(email=user_email)
    return list(ApiToken.objects.filter(user=user).order_by("-created_at"))
