"""Roles resolve to the right visibility; the role groups exist with their permissions; demo logins."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group
from django.urls import reverse

from coaching.access import viewer_for_user
from coaching.selectors import call_detail, call_list, rep_report
from coaching.services.demo_users import demo_logins_ensure
from coaching.services.links import LinkNotAllowed, rep_login_link
from core.errors import NotFound
from gong.models import GongUser
from tests.coaching.portal_world import VISIBLE_CALLS, build_world, login
from tests.factories.gong import GongUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def test_each_role_resolves_to_its_scope(world):
    rep = viewer_for_user(world.logins["rep"])
    assert (rep.scope, rep.role, rep.rep_ids, rep.gong_user_id) == ("self", "rep", {world.rep.pk}, world.rep.pk)
    manager = viewer_for_user(world.logins["manager"])
    assert manager.scope == "team" and manager.rep_ids == {world.manager.pk, world.rep.pk, world.rep2.pk}
    director = viewer_for_user(world.logins["director"])  # reports at any depth
    assert director.report_ids == {world.manager.pk, world.manager2.pk, world.rep.pk, world.rep2.pk, world.rep3.pk}
    for role in ["ops", "staff", "superuser"]:
        assert viewer_for_user(world.logins[role]).sees_all, role
    assert viewer_for_user(world.logins["ops"]).can_edit_kb
    assert not viewer_for_user(world.logins["staff"]).can_edit_kb
    assert not viewer_for_user(world.logins["manager"]).can_edit_kb


def test_anonymous_inactive_and_unlinked_users_see_nothing(world):
    assert viewer_for_user(AnonymousUser()).scope == "none"
    assert viewer_for_user(None).scope == "none"
    inactive = world.logins["rep"]
    inactive.is_active = False
    inactive.save()
    assert viewer_for_user(inactive).scope == "none"
    stranger = login("u-stranger", group="manager", email="nobody@example.com")
    viewer = viewer_for_user(stranger)
    assert viewer.scope == "none" and not call_list(viewer=viewer).exists()


def test_a_user_in_no_group_is_treated_as_a_rep(world):
    plain = get_user_model().objects.create_user("plain", world.rep2.email, "pw", is_staff=True)
    viewer = viewer_for_user(plain)
    assert (viewer.scope, viewer.role, viewer.rep_ids) == ("self", "rep", {world.rep2.pk})


def test_selectors_raise_not_found_for_invisible_and_missing_alike(world):
    viewer = viewer_for_user(world.logins["rep"])
    for call_id in [world.calls["colleague"].pk, "9999999999999999999", "not-a-number"]:
        with pytest.raises(NotFound):
            call_detail(viewer=viewer, call_id=call_id)
    with pytest.raises(NotFound):
        rep_report(viewer=viewer, rep_id=world.rep2.pk)
    assert {c.pk for c in call_list(viewer=viewer)} == {world.calls[n].pk for n in VISIBLE_CALLS["rep"]}


def test_the_link_to_a_gong_user_follows_the_explicit_link_before_the_email(world):
    user = world.logins["rep"]
    GongUser.objects.filter(pk=world.rep2.pk).update(django_user=user)  # ops re-linked this login
    assert viewer_for_user(user).gong_user_id == world.rep2.pk


def test_the_role_groups_exist_with_their_permissions():
    def perms(name: str) -> set[str]:
        group = Group.objects.get(name=name)
        return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}

    assert "knowledgebase.edit_knowledgebase" in perms("coaching ops")
    assert "knowledgebase.change_rubric" in perms("coaching ops")
    for name in ["rep", "manager", "staff"]:
        assert "knowledgebase.edit_knowledgebase" not in perms(name), name
    assert "gong.view_call" in perms("rep") and "analysis.view_analysisrun" not in perms("rep")
    assert "coaching.change_dimensionscore" in perms("manager")
    assert "coaching.change_dimensionscore" not in perms("rep")
    assert "analysis.view_apicall" in perms("staff")


def test_demo_logins_are_one_per_role_linked_by_email_and_stable(tmp_path):
    manager = GongUserFactory(title="Sales Manager", role="MANAGER")
    reps = [GongUserFactory(manager=manager) for _ in range(2)]
    GongUserFactory(title="VP Sales", role="MANAGER")  # a manager with no coached reports
    passwords = tmp_path / "logins.json"
    first = demo_logins_ensure(passwords_file=passwords)
    second = demo_logins_ensure(passwords_file=passwords)
    assert first == second
    by_role = {login.role: login for login in first}
    assert set(by_role) == {"rep", "manager", "coaching ops", "staff"}
    assert by_role["manager"].gong_user_email == manager.email
    assert by_role["rep"].gong_user_email == min(reps, key=lambda r: r.pk).email
    assert json.loads(passwords.read_text())["demo-rep"] == by_role["rep"].password
    users = get_user_model().objects
    staff = users.get(username="demo-staff")
    assert not staff.is_superuser and viewer_for_user(staff).sees_all and not viewer_for_user(staff).can_edit_kb
    assert viewer_for_user(users.get(username="demo-manager")).rep_ids == {manager.pk, *(r.pk for r in reps)}
    assert viewer_for_user(users.get(username="demo-rep")).scope == "self"
    assert viewer_for_user(users.get(username="demo-ops")).sees_all
    assert users.get(username="demo-rep").check_password(by_role["rep"].password)


def test_coaching_ops_can_relink_a_login_and_visibility_follows(client, world):
    client.force_login(world.logins["ops"])
    page = client.get(reverse("admin:gong_gonguser_change", args=[world.rep3.pk])).content.decode()
    assert 'id="link-form"' in page
    response = client.post(reverse("admin:gong_gonguser_link", args=[world.rep3.pk]), {"username": "u-rep"})
    assert response.status_code == 302
    assert GongUser.objects.get(pk=world.rep3.pk).django_user == world.logins["rep"]
    assert viewer_for_user(world.logins["rep"]).rep_ids == {world.rep3.pk}
    rep_login_link(rep_id=world.rep3.pk, username="", user=world.logins["ops"])  # unlink: back to email matching
    assert viewer_for_user(world.logins["rep"]).rep_ids == {world.rep.pk}


def test_only_coaching_ops_may_change_a_login_link(client, world):
    with pytest.raises(LinkNotAllowed):
        rep_login_link(rep_id=world.rep.pk, username="u-manager", user=world.logins["manager"])
    with pytest.raises(NotFound):
        rep_login_link(rep_id=world.rep3.pk, username="u-rep", user=world.logins["manager"])
    client.force_login(world.logins["manager"])
    assert (
        'id="link-form"' not in client.get(reverse("admin:gong_gonguser_change", args=[world.rep.pk])).content.decode()
    )
    client.post(reverse("admin:gong_gonguser_link", args=[world.rep.pk]), {"username": "u-manager"})
    assert GongUser.objects.get(pk=world.rep.pk).django_user is None
