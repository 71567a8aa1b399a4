"""Who sees the ops pages: superusers and the all-seeing roles (coaching ops, staff). Reps and managers don't.
Who acts on them (retry calls): superusers and coaching ops — staff read everything and change nothing."""

from __future__ import annotations

from django.http import HttpRequest

from coaching.access import ALL_SEEING_GROUPS, GROUP_OPS


def user_is_ops(user) -> bool:
    """True for active users who see everything: superusers and members of the coaching ops / staff groups."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name__in=ALL_SEEING_GROUPS).exists()


def user_may_operate(user) -> bool:
    """May this user change pipeline state (retry calls)? Superusers and coaching ops; staff only read."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=GROUP_OPS).exists()


def request_is_ops(request: HttpRequest) -> bool:
    """user_is_ops for the request's user, asked once per request (the sidebar, the header label and the banner
    all ask). Also the permission callback of the unfold SIDEBAR items."""
    if not hasattr(request, "_callcoach_is_ops"):
        request._callcoach_is_ops = user_is_ops(getattr(request, "user", None))
    return request._callcoach_is_ops


def user_may_erase(user) -> bool:
    """Erasure (coaching.services.erasure) is for those who may operate: superusers and coaching ops."""
    return user_may_operate(user)
