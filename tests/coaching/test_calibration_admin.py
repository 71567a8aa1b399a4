"""Coaching ops map Gong scorecard questions in the admin; the reference scores follow at once; reps cannot."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from coaching.models import ReferenceScore, ScorecardMapping

pytestmark = pytest.mark.django_db


def _login(client, django_user_model, group: str):
    user = django_user_model.objects.create_user(group.replace(" ", "-"), f"{group[:3]}@example.com", "pw")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return user


def _form(**fields) -> dict:
    base = {"dimension": "", "scale": "unmapped", "range_min": "", "range_max": "", "yes_level": "4",
            "no_level": "2", "option_levels": "{}"}  # fmt: skip
    return {**base, **fields}


def test_ops_map_the_unmapped_question_and_its_answers_become_references(calibrated_week, client, django_user_model):
    _login(client, django_user_model, "coaching ops")
    mapping = ScorecardMapping.objects.get(question__text="Next steps agreed?")
    listing = client.get(reverse("admin:coaching_scorecardmapping_changelist") + "?scale__exact=unmapped")
    assert listing.status_code == 200 and "Next steps agreed?" in listing.content.decode()
    url = reverse("admin:coaching_scorecardmapping_change", args=[mapping.pk])

    response = client.post(url, _form(dimension="engagement", scale="yes_no", yes_level="5", no_level="1"))

    assert response.status_code == 302
    mapping.refresh_from_db()
    assert (mapping.dimension, mapping.scale, mapping.updated_by.username) == ("engagement", "yes_no", "coaching-ops")
    used = [r for r in ReferenceScore.objects.filter(dimension="engagement") if mapping.question_id in r.question_ids]
    assert used and {r.level for r in used} <= {1, 2, 3, 4, 5}


def test_a_mapping_without_a_dimension_is_refused_with_the_reason(calibrated_week, client, django_user_model):
    _login(client, django_user_model, "coaching ops")
    mapping = ScorecardMapping.objects.get(question__text="Next steps agreed?")
    url = reverse("admin:coaching_scorecardmapping_change", args=[mapping.pk])

    response = client.post(url, _form(scale="range"))

    assert response.status_code == 200
    assert "Choose the dimension this question scores." in response.content.decode()
    mapping.refresh_from_db()
    assert mapping.scale == "unmapped"


def test_a_rep_cannot_open_the_mappings(calibrated_week, client, django_user_model):
    _login(client, django_user_model, "rep")
    assert client.get(reverse("admin:coaching_scorecardmapping_changelist")).status_code == 403
    assert client.get(reverse("admin:coaching_referencescore_changelist")).status_code == 403
