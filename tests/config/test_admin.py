import pytest
from django.contrib import admin

pytestmark = pytest.mark.django_db


def test_every_registered_model_list_page_renders_for_staff(admin_client_logged_in):
    from django.urls import reverse

    ours = [model for model in admin.site._registry if model._meta.app_label in
            {"gong", "knowledgebase", "analysis", "coaching", "core"}]  # fmt: skip
    # The 14 domain tables plus the infrastructure ones (Gong quota, API tokens, once-only markers, the erasure
    # audit), plus the calibration pages ops use (scorecard question mapping, reference scores).
    assert {model._meta.db_table for model in ours} >= {"gong_api_quota", "core_api_token", "core_once_marker"}
    assert "core_erasure_record" in {model._meta.db_table for model in ours}
    assert {model._meta.db_table for model in ours} >= {"coaching_scorecard_mapping", "coaching_reference_score"}
    assert len(ours) == 20
    for model in ours:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = admin_client_logged_in.get(url)
        assert response.status_code == 200, url
