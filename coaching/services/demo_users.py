"""One demo login per role (rep, manager, coaching ops, staff), linked to simulator users by email.

Passwords are random, generated once and kept in DEMO_DIR/logins.json (default .demo/, gitignored, mode 600) —
the same file and format coaching/demo/setup.py uses — so running the demo twice prints the same logins.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Count, Q

from coaching.access import GROUP_MANAGER, GROUP_OPS, GROUP_REP, GROUP_STAFF
from core.errors import ApplicationError
from gong.models import GongUser, RepRole
from gong.services.users import user_link_django_user

COACHED_ROLES = [RepRole.AE, RepRole.SE, RepRole.CSM]


@dataclass(frozen=True)
class Login:
    role: str
    username: str
    password: str
    gong_user_email: str


def _passwords_file() -> Path:
    return Path(settings.DEMO_DIR) / "logins.json"


def _passwords(path: Path) -> dict[str, str]:
    return json.loads(path.read_text()) if path.is_file() else {}


def _demo_manager() -> GongUser | None:
    """The active manager with the most active reps who are coached (AE/SE/CSM), lowest id on ties."""
    coached = Q(reports__active=True, reports__role__in=COACHED_ROLES)
    return (
        GongUser.objects.filter(active=True)
        .annotate(coached=Count("reports", filter=coached, distinct=True))
        .filter(coached__gt=0)
        .order_by("-coached", "id")
        .first()
    )


def _demo_rep(manager: GongUser | None) -> GongUser | None:
    if manager is None:
        return None
    reports = GongUser.objects.filter(manager_id=manager.pk, active=True, role__in=COACHED_ROLES)
    return reports.order_by("role", "id").first()


def _ensure_user(*, username: str, email: str, group: str, superuser: bool, password: str):
    user, _ = get_user_model().objects.get_or_create(username=username, defaults={"email": email})
    user.email = email
    user.is_staff = True
    user.is_superuser = superuser
    user.is_active = True
    if not user.check_password(password):
        user.set_password(password)
    user.save()
    user.groups.set([Group.objects.get_or_create(name=group)[0]])
    return user


def demo_logins_ensure(*, passwords_file: Path | None = None) -> list[Login]:
    """Create or refresh the four demo logins and return them (idempotent: same users, same passwords).

    The rep and manager logins carry their Gong user's email and are linked to it; with no Gong users yet
    (before the first sync) they are created unlinked and link on a later run.
    """
    path = passwords_file or _passwords_file()
    passwords = _passwords(path)
    manager = _demo_manager()
    rep = _demo_rep(manager)
    plan = [
        (GROUP_REP, "demo-rep", rep, False),
        (GROUP_MANAGER, "demo-manager", manager, False),
        (GROUP_OPS, "demo-ops", None, False),
        (GROUP_STAFF, "demo-staff", None, False),  # the staff group: sees everything, edits no KB
    ]
    logins = []
    for group, username, gong_user, superuser in plan:
        password = passwords.get(username) or secrets.token_urlsafe(9)
        email = gong_user.email if gong_user else f"{username}@callcoach.invalid"
        with transaction.atomic():
            user = _ensure_user(username=username, email=email, group=group, superuser=superuser, password=password)
        linked = None
        if gong_user is not None:
            try:
                linked = user_link_django_user(user=user)
            except ApplicationError:
                linked = None  # that Gong user already belongs to another login: leave it alone
        passwords[username] = password
        logins.append(
            Login(role=group, username=username, password=password, gong_user_email=linked.email if linked else "")
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(passwords, indent=2))
    path.chmod(0o600)
    return logins
