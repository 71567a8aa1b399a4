"""Which Django login is which Gong user: matched by email on first use (gong.selectors.user_for_django_user),
and editable here by coaching ops when the emails differ or a login must be re-pointed."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from coaching.access import viewer_for_user
from coaching.selectors.common import rep_get_for_viewer
from core.errors import ApplicationError
from gong.models import GongUser


class LinkNotAllowed(ApplicationError):
    """Only coaching ops and superusers change who a login is."""


def rep_login_link(*, rep_id: str, username: str, user) -> GongUser:
    """Link the Django login `username` to the Gong user `rep_id` (blank `username` unlinks it).

    A login belongs to at most one Gong user, so linking moves it off any other. Idempotent. Only coaching ops
    and superusers may; an invisible or missing rep raises NotFound, an unknown username ApplicationError.
    """
    viewer = viewer_for_user(user)
    rep = rep_get_for_viewer(viewer=viewer, rep_id=rep_id)
    if viewer.role not in {"ops", "superuser"}:
        raise LinkNotAllowed("Only coaching ops can change which login belongs to a rep.")
    username = (username or "").strip()
    target = None
    if username:
        target = get_user_model().objects.filter(username=username).first()
        if target is None:
            raise ApplicationError(f"There is no login named {username!r}.")
    now = timezone.now()
    with transaction.atomic():
        if target is not None:
            GongUser.objects.filter(django_user=target).exclude(pk=rep.pk).update(django_user=None, updated_at=now)
        GongUser.objects.filter(pk=rep.pk).update(django_user=target, updated_at=now)
    rep.django_user = target
    return rep
