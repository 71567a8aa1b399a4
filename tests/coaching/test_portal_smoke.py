import pytest
from django.urls import reverse

from tests.coaching.portal_world import build_world

pytestmark = pytest.mark.django_db


def test_every_portal_page_renders_for_a_manager(client):
    world = build_world()
    client.force_login(world.logins["manager"])
    urls = [
        reverse("admin:index"),
        reverse("admin:gong_gonguser_change", args=[world.rep.pk]),
        reverse("admin:gong_gonguser_team", args=[world.manager.pk]),
        reverse("admin:gong_call_change", args=[world.calls["own"].pk]) + "?q=price",
        reverse("admin:gong_call_search") + "?words=price&dimension=discovery&min=1",
        reverse("admin:gong_call_export"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
