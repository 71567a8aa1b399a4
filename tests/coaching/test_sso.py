"""Single sign-on for the portal, through a real OpenID Connect provider process (tests/fakes/oidc_provider.py):
who may sign in, which Gong user and role they become, and that nobody sees anything before that match."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.test import override_settings
from django.urls import reverse

from core.models import TombstoneKind
from core.tombstones import tombstones_extend
from gong.models import GongUser, RepRole
from gong.schemas import UserMetadata
from gong.services.users import users_sync
from tests.coaching.portal_world import groups_ensure, login
from tests.factories.coaching import coached_call
from tests.factories.gong import GongUserFactory
from tests.sso import browse

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    groups_ensure()
    boss = GongUserFactory(email="boss@acme.test", first_name="Bea", title="Sales Manager", role=RepRole.MANAGER)
    rita = GongUserFactory(email="rita@acme.test", first_name="Rita", manager=boss)
    rob = GongUserFactory(email="rob@acme.test", first_name="Rob", manager=boss)
    GongUserFactory(email="gone@acme.test", active=False)
    GongUserFactory(email="unverified@acme.test")
    calls = {
        "rita": coached_call(rep=rita, account="Rita Account")[0],
        "rob": coached_call(rep=rob, account="Rob Account")[0],
    }
    return {"boss": boss, "rita": rita, "rob": rob, "calls": calls}


@pytest.fixture
def sso(oidc_provider):
    with override_settings(**oidc_provider.settings()):
        yield oidc_provider


def sign_in(client, email: str, *, next_url: str = "/admin/"):
    """Start at our SSO button, sign in at the provider, come back: the response of our callback view."""
    start = client.get(reverse("oidc_authentication_init"), {"next": next_url})
    assert start.status_code == 302
    assert start["Location"].startswith(start["Location"].split("/authorize")[0]), start["Location"]
    back = browse(start["Location"], email=email, stop_at="http://testserver/")
    callback = urlsplit(back.headers["Location"])
    assert callback.path == reverse("oidc_authentication_callback")
    return client.get(callback.path, dict(pair.split("=", 1) for pair in callback.query.split("&")))


def account(email: str):
    return get_user_model().objects.filter(email__iexact=email).first()


def refusal(response) -> str:
    return " ".join(m.message for m in get_messages(response.wsgi_request))


def test_a_rep_signs_in_lands_on_their_dashboard_and_is_refused_another_reps_call(client, team, sso):
    response = sign_in(client, "rita@acme.test")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    user = account("rita@acme.test")
    assert user is not None and user.username == "rita@acme.test" and not user.has_usable_password()
    assert set(user.groups.values_list("name", flat=True)) == {"rep"}
    assert GongUser.objects.get(pk=team["rita"].pk).django_user_id == user.pk
    dashboard = client.get("/admin/")
    assert dashboard.status_code == 200
    assert dashboard.context["request"].user == user
    own = client.get(reverse("admin:gong_call_change", args=[team["calls"]["rita"].pk]))
    other = client.get(reverse("admin:gong_call_change", args=[team["calls"]["rob"].pk]))
    assert own.status_code == 200 and "Rita Account" in own.content.decode()
    assert other.status_code == 404


def test_a_manager_gets_the_manager_role_from_the_gong_hierarchy_and_sees_the_team(client, team, sso):
    assert sign_in(client, "boss@acme.test").status_code == 302
    assert set(account("boss@acme.test").groups.values_list("name", flat=True)) == {"manager"}
    assert client.get(reverse("admin:gong_call_change", args=[team["calls"]["rob"].pk])).status_code == 200


def test_a_second_sign_in_reuses_the_account_and_follows_a_role_change_in_gong(client, team, sso):
    sign_in(client, "rita@acme.test")
    client.logout()
    GongUserFactory(email="new.report@acme.test", manager=team["rita"])  # Rita now manages someone
    sign_in(client, "rita@acme.test")
    assert get_user_model().objects.filter(email__iexact="rita@acme.test").count() == 1
    assert set(account("rita@acme.test").groups.values_list("name", flat=True)) == {"manager"}


def test_an_admin_granted_role_is_kept_on_sign_in(client, team, sso):
    ops = login("ops-rita", group="coaching ops", email="rita@acme.test")
    sign_in(client, "rita@acme.test")
    assert set(ops.groups.values_list("name", flat=True)) == {"coaching ops", "rep"}


@pytest.mark.parametrize(
    ("email", "reason"),
    [
        ("eve@elsewhere.test", "may not sign in here"),
        ("unverified@acme.test", "not verified"),
        ("stranger@acme.test", "No Gong user has this email"),
        ("gone@acme.test", "deactivated"),
    ],
)
def test_people_callcoach_does_not_admit_are_refused_with_the_reason_and_get_nothing(client, team, sso, email, reason):
    response = sign_in(client, email)
    assert response.status_code == 302 and response["Location"] == reverse("admin:login")
    assert reason in refusal(response)
    assert account(email) is None
    assert client.get("/admin/").status_code == 302  # still signed out
    assert client.get(reverse("admin:gong_call_change", args=[team["calls"]["rita"].pk])).status_code == 302


@pytest.mark.parametrize("kind", [TombstoneKind.PERSON, TombstoneKind.GONG_USER])
def test_an_erased_person_is_refused_a_first_sign_in_and_gets_nothing(client, team, sso, kind):
    """An erasure sticks against single sign-on too: an email (any case) or Gong user id an erasure tombstoned gets
    no Django account, even where a Gong user with that email is on file again (re-added by hand, say)."""
    rita = team["rita"]
    tombstones_extend(
        record_id=None, kind=kind, subjects=["Rita@Acme.test" if kind == TombstoneKind.PERSON else rita.pk]
    )
    accounts_before = get_user_model().objects.count()
    response = sign_in(client, "rita@acme.test")
    assert response.status_code == 302 and response["Location"] == reverse("admin:login")
    assert "was erased" in refusal(response)
    assert account("rita@acme.test") is None and get_user_model().objects.count() == accounts_before
    assert GongUser.objects.get(pk=rita.pk).django_user_id is None
    assert client.get("/admin/").status_code == 302  # still signed out
    assert sign_in(client, "rob@acme.test").status_code == 302 and account("rob@acme.test") is not None


def test_deactivating_the_gong_user_ends_access_at_the_next_users_sync(client, team, sso):
    sign_in(client, "rita@acme.test")
    assert client.get("/admin/").status_code == 200

    class Gong:  # our client's seam: what /v2/users returns now
        def users(self):
            rows = GongUser.objects.all()
            return [
                UserMetadata.model_validate(
                    {
                        "id": u.pk,
                        "emailAddress": u.email,
                        "firstName": u.first_name,
                        "lastName": u.last_name,
                        "title": u.title,
                        "active": u.pk != team["rita"].pk and u.active,
                        "managerId": u.manager_id,
                    }
                )
                for u in rows
            ]

    report = users_sync(client=Gong())
    assert report.accounts_deactivated == 1
    assert not account("rita@acme.test").is_active
    assert client.get("/admin/").status_code == 302  # the open session is gone too
    response = sign_in(client, "rita@acme.test")
    assert "deactivated" in refusal(response)


def test_the_login_page_offers_sso_and_password_login_works_without_the_provider(client, team, oidc_provider):
    dead = "http://127.0.0.1:9"  # nothing listens: password sign-in must not wait on the provider
    login("pw-admin", group="staff", email="admin@acme.test")
    with override_settings(**oidc_provider.settings(OIDC_ISSUER=dead)):
        page = client.get(reverse("admin:login"))
        assert 'id="sso-login"' in page.content.decode()
        response = client.post(reverse("admin:login"), {"username": "pw-admin", "password": "pw", "next": "/admin/"})
        assert response.status_code == 302 and response["Location"] == "/admin/"
        client.logout()
        unavailable = client.get(reverse("oidc_authentication_init"))
        assert unavailable.status_code == 302 and unavailable["Location"] == reverse("admin:login")
        assert "unavailable" in refusal(unavailable)


def test_sso_urls_are_404_while_sso_is_off(client):
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert 'id="sso-login"' not in client.get(reverse("admin:login")).content.decode()
