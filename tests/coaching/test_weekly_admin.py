"""A stored weekly review is readable in the admin, by the people who may see it and nobody else."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.http import Http404
from django.test import RequestFactory

from coaching.access import GROUP_MANAGER
from coaching.admin_weekly import WeeklyReviewAdmin
from coaching.models import WeeklyReview
from coaching.weekly.services import weekly_review_run
from tests.coaching.weekly_rows import session_create, team_create

pytestmark = pytest.mark.django_db


def manager_login(django_user_model, manager):
    user = django_user_model.objects.create_user(manager.email, manager.email, "pw", is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=GROUP_MANAGER)[0])
    manager.django_user = user
    manager.save()
    return user


def get(user, path: str, **params):
    request = RequestFactory().get(path, params)
    request.user = user
    return request


@pytest.fixture
def reviewed(django_user_model):
    maya, (rep, _) = team_create(manager_email="maya@lumina-labs.example")
    omar, _ = team_create(manager_email="omar@lumina-labs.example")
    session_create(rep=rep, started=dt.datetime(2026, 3, 3, 10, tzinfo=dt.UTC), scores=2)
    weekly_review_run(week="2026-W10")
    review = WeeklyReview.objects.get(scope="team", subject=maya)
    return {
        "review": review,
        "rep": rep,
        "maya": manager_login(django_user_model, maya),
        "omar": manager_login(django_user_model, omar),
    }


def test_the_manager_sees_the_rendered_report_of_their_team(reviewed):
    model_admin = WeeklyReviewAdmin(WeeklyReview, admin.site)
    review = reviewed["review"]
    response = model_admin.report_view(
        get(reviewed["maya"], f"/admin/coaching/weeklyreview/{review.pk}/report/"), review.pk
    )
    html = response.render().content.decode()
    assert "Scores by dimension" in html and reviewed["rep"].name in html
    assert "Mailed" in html and "maya@lumina-labs.example" in html


def test_the_raw_view_is_the_email_exactly_as_stored(reviewed):
    model_admin = WeeklyReviewAdmin(WeeklyReview, admin.site)
    review = reviewed["review"]
    response = model_admin.report_view(get(reviewed["maya"], "/", raw="1"), review.pk)
    assert response.content.decode() == review.report_html


def test_another_manager_gets_not_found(reviewed):
    model_admin = WeeklyReviewAdmin(WeeklyReview, admin.site)
    with pytest.raises(Http404):
        model_admin.report_view(get(reviewed["omar"], "/"), reviewed["review"].pk)
    listed = model_admin.get_queryset(get(reviewed["omar"], "/"))
    assert reviewed["review"] not in listed
