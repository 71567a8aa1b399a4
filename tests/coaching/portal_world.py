"""A small organisation for portal tests: a director, two managers, three reps, one login per role, and calls
that cover every visibility case (own, a colleague's, shared, private, another team's)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from gong.models import RepRole
from tests.factories.coaching import coached_call
from tests.factories.gong import GongUserFactory


@dataclass
class World:
    director: object
    manager: object
    manager2: object
    rep: object
    rep2: object
    rep3: object
    logins: dict  # role -> Django user
    calls: dict  # name -> Call
    sessions: dict  # name -> CoachingSession of the host (or the named speaker)
    scores: dict  # name -> list[DimensionScore]


def groups_ensure() -> None:
    """The role groups as migration 0003 creates them (a transactional test's flush removes them)."""
    groups = importlib.import_module("coaching.migrations.0003_portal_groups").GROUPS
    for name, perms in groups.items():
        group, created = Group.objects.get_or_create(name=name)
        if created or not group.permissions.exists():
            for perm in perms:
                app_label, codename = perm.split(".")
                group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def login(username: str, *, group: str | None, email: str = "", superuser: bool = False):
    groups_ensure()
    user = get_user_model().objects.create_user(username, email or f"{username}@example.com", "pw", is_staff=True)
    user.is_superuser = superuser
    user.save()
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def build_world() -> World:
    director = GongUserFactory(first_name="Dana", last_name="Director", title="VP Sales", role=RepRole.MANAGER)
    manager = GongUserFactory(
        first_name="Mia", last_name="Manager", title="Sales Manager", role=RepRole.MANAGER, manager=director
    )
    manager2 = GongUserFactory(
        first_name="Max", last_name="Other", title="Sales Manager", role=RepRole.MANAGER, manager=director
    )
    rep = GongUserFactory(first_name="Rita", last_name="Rep", manager=manager)
    rep2 = GongUserFactory(first_name="Rob", last_name="Colleague", manager=manager)
    rep3 = GongUserFactory(first_name="Ruth", last_name="Elsewhere", manager=manager2)
    logins = {
        "rep": login("u-rep", group="rep", email=rep.email),
        "manager": login("u-manager", group="manager", email=manager.email),
        "manager2": login("u-manager2", group="manager", email=manager2.email),
        "director": login("u-director", group="manager", email=director.email),
        "ops": login("u-ops", group="coaching ops"),
        "staff": login("u-staff", group="staff"),
        "superuser": login("u-root", group=None, superuser=True),
    }
    calls, sessions, scores = {}, {}, {}
    plan = {
        "own": dict(rep=rep, account="Alpha Own"),
        "colleague": dict(rep=rep2, account="Bravo Colleague"),
        "shared": dict(rep=rep2, also_internal=rep, account="Charlie Shared"),
        "own_private": dict(rep=rep, private=True, account="Delta Private"),
        "colleague_private": dict(rep=rep2, private=True, account="Echo Private"),
        "other_team": dict(rep=rep3, account="Foxtrot Other"),
    }
    for name, kwargs in plan.items():
        call, session, rows = coached_call(**kwargs)
        call.title = f"Call {name.replace('_', ' ')}"
        call.save(update_fields=["title"])
        calls[name], sessions[name], scores[name] = call, session, rows
    return World(director, manager, manager2, rep, rep2, rep3, logins, calls, sessions, scores)


# Which calls each login may see (by the rules in coaching/access.py).
ALL_CALLS = {"own", "colleague", "shared", "own_private", "colleague_private", "other_team"}
VISIBLE_CALLS = {
    "rep": {"own", "shared", "own_private"},
    "manager": {"own", "colleague", "shared"},
    "manager2": {"other_team"},
    "director": {"own", "colleague", "shared", "other_team"},
    "ops": ALL_CALLS,
    "staff": ALL_CALLS,
    "superuser": ALL_CALLS,
}
