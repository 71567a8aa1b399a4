"""Permission matrix: rep / manager / other manager / director / ops / staff / superuser / anonymous × list,
detail by id, search, export and autocomplete — every surface shows exactly the visible calls and scores,
and an invisible id answers like a missing one (404)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from coaching.models import WeeklyReview
from tests.coaching.portal_world import ALL_CALLS, VISIBLE_CALLS, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _ids_in(content: bytes, world, names=ALL_CALLS) -> set[str]:
    text = content.decode()
    return {name for name in names if world.calls[name].pk in text}


def _login(client, world, role):
    if role != "anonymous":
        client.force_login(world.logins[role])


@pytest.mark.parametrize("role", sorted(VISIBLE_CALLS))
def test_call_list_and_admin_search_show_exactly_the_visible_calls(client, world, role):
    _login(client, world, role)
    expected = VISIBLE_CALLS[role]
    listing = client.get(reverse("admin:gong_call_changelist"))
    assert listing.status_code == 200
    assert _ids_in(listing.content, world) == expected
    searched = client.get(reverse("admin:gong_call_changelist"), {"q": "Call"})
    assert _ids_in(searched.content, world) == expected
    for admin_list in ["admin:gong_transcript_changelist", "admin:gong_callparticipant_changelist"]:
        rows = client.get(reverse(admin_list)).context["cl"].result_list
        shown = {name for name in ALL_CALLS if world.calls[name].pk in {row.call_id for row in rows}}
        assert shown == expected, admin_list


@pytest.mark.parametrize("role", sorted(VISIBLE_CALLS))
def test_call_pages_by_id_are_404_unless_visible(client, world, role):
    _login(client, world, role)
    for name in sorted(ALL_CALLS):
        call = world.calls[name]
        status = 200 if name in VISIBLE_CALLS[role] else 404
        assert client.get(reverse("admin:gong_call_change", args=[call.pk])).status_code == status, name
        assert client.get(reverse("admin:gong_call_history", args=[call.pk])).status_code == status, name
        assert client.get(reverse("admin:gong_transcript_change", args=[call.pk])).status_code == status, name
    assert client.get(reverse("admin:gong_call_change", args=["9999999999999999999"])).status_code == 404


@pytest.mark.parametrize("role", sorted(VISIBLE_CALLS))
def test_portal_search_and_csv_export_show_exactly_the_visible_calls(client, world, role):
    _login(client, world, role)
    expected = VISIBLE_CALLS[role]
    page = client.get(reverse("admin:gong_call_search"))
    assert _ids_in(page.content, world) == expected
    by_words = client.get(reverse("admin:gong_call_search"), {"words": "price increase"})
    assert _ids_in(by_words.content, world) == expected
    assert b"<mark>price</mark>" in by_words.content or not expected
    export = client.get(reverse("admin:gong_call_export"))
    assert export.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert {row["call_id"] for row in rows} == {world.calls[name].pk for name in expected}


@pytest.mark.parametrize("role", sorted(VISIBLE_CALLS))
def test_autocomplete_suggests_only_visible_calls(client, world, role):
    _login(client, world, role)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "gong", "model_name": "callparticipant", "field_name": "call", "term": ""},
    )
    assert response.status_code == 200
    suggested = {item["id"] for item in response.json()["results"]}
    assert suggested == {world.calls[name].pk for name in VISIBLE_CALLS[role]}


def test_a_rep_sees_only_their_own_scores_on_a_shared_call(client, world):
    client.force_login(world.logins["rep"])
    page = client.get(reverse("admin:gong_call_change", args=[world.calls["shared"].pk])).content.decode()
    colleague_session = world.sessions["shared"]  # the host's (Rob's) session
    assert f'id="session-{colleague_session.pk}"' not in page
    assert all(f'id="score-{score.pk}"' not in page for score in world.scores["shared"])
    own = [s for s in world.calls["shared"].coaching_sessions.all() if s.rep_id == world.rep.pk]
    assert len(own) == 1 and f'id="session-{own[0].pk}"' in page


@pytest.mark.parametrize(
    ("role", "visible_sessions"),
    [("rep", 3), ("manager", 4), ("manager2", 1), ("ops", 7), ("staff", 7), ("superuser", 7)],
)
def test_session_and_score_lists_hold_only_visible_results(client, world, role, visible_sessions):
    _login(client, world, role)
    sessions = client.get(reverse("admin:coaching_coachingsession_changelist"))
    assert sessions.context["cl"].result_count == visible_sessions
    scores = client.get(reverse("admin:coaching_dimensionscore_changelist"))
    assert scores.context["cl"].result_count == visible_sessions * 4
    hidden = {s.pk for name in ALL_CALLS for s in world.calls[name].coaching_sessions.all()} - {
        row.pk for row in sessions.context["cl"].result_list
    }
    for session_id in hidden:
        url = reverse("admin:coaching_coachingsession_change", args=[session_id])
        assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("role", "reachable"),
    [
        ("rep", {"rep"}),
        ("manager", {"rep", "rep2", "manager"}),
        ("manager2", {"rep3", "manager2"}),
        ("director", {"rep", "rep2", "rep3", "manager", "manager2", "director"}),
        ("ops", {"rep", "rep2", "rep3", "manager", "manager2", "director"}),
    ],
)
def test_rep_and_team_pages_are_404_outside_the_viewers_reach(client, world, role, reachable):
    _login(client, world, role)
    for person in ["rep", "rep2", "rep3", "manager", "manager2", "director"]:
        gong_user = getattr(world, person)
        status = 200 if person in reachable else 404
        assert client.get(reverse("admin:gong_gonguser_change", args=[gong_user.pk])).status_code == status, person
        assert client.get(reverse("admin:gong_gonguser_team", args=[gong_user.pk])).status_code == status, person


def test_a_team_page_lists_only_the_reps_the_viewer_may_see(client, world):
    client.force_login(world.logins["manager"])
    rows = client.get(reverse("admin:gong_gonguser_team", args=[world.manager.pk])).context["report"].rows
    assert {row.rep.pk for row in rows} == {world.rep.pk, world.rep2.pk}
    client.force_login(world.logins["director"])
    rows = client.get(reverse("admin:gong_gonguser_team", args=[world.director.pk])).context["report"].rows
    assert {row.rep.pk for row in rows} == {
        world.manager.pk,
        world.manager2.pk,
        world.rep.pk,
        world.rep2.pk,
        world.rep3.pk,
    }


def test_anonymous_visitors_are_sent_to_the_login_page_and_see_no_call(client, world):
    urls = [
        reverse("admin:index"),
        reverse("admin:gong_call_changelist") + "?q=Call",
        reverse("admin:gong_call_change", args=[world.calls["own"].pk]),
        reverse("admin:gong_call_search") + "?words=price",
        reverse("admin:gong_call_export"),
        reverse("admin:gong_gonguser_change", args=[world.rep.pk]),
        reverse("admin:gong_gonguser_team", args=[world.manager.pk]),
        reverse("admin:autocomplete") + "?app_label=gong&model_name=callparticipant&field_name=call&term=",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url
        assert not _ids_in(response.content, world)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("rep", {"rep"}),
        ("manager", {"rep", "rep2", "team:manager"}),
        ("manager2", {"rep3", "team:manager2"}),
        ("ops", {"rep", "rep2", "rep3", "team:manager", "team:manager2"}),
    ],
)
def test_weekly_reviews_are_listed_and_opened_only_within_reach(client, world, role, expected):
    reviews = {}
    for name in ["rep", "rep2", "rep3"]:
        reviews[name] = WeeklyReview.objects.create(
            scope="rep", subject=getattr(world, name), week="2026-W47", week_start=dt.date(2026, 11, 16)
        )
    for name in ["manager", "manager2"]:
        reviews[f"team:{name}"] = WeeklyReview.objects.create(
            scope="team", subject=getattr(world, name), week="2026-W47", week_start=dt.date(2026, 11, 16)
        )
    _login(client, world, role)
    listed = client.get(reverse("admin:coaching_weeklyreview_changelist")).context["cl"].result_list
    assert {name for name, review in reviews.items() if review in listed} == expected
    for name, review in reviews.items():
        status = client.get(reverse("admin:coaching_weeklyreview_change", args=[review.pk])).status_code
        assert status == (200 if name in expected else 404), name
