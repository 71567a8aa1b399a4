"""/api/v1/: the read-only REST API (mounted by config.urls)."""

from django.urls import path

from coaching.api import views

urlpatterns = [
    path("calls/", views.CallList.as_view(), name="api-calls"),
    path("sessions/", views.SessionList.as_view(), name="api-sessions"),
    path("scores/", views.ScoreList.as_view(), name="api-scores"),
    path("weekly-reviews/", views.WeeklyReviewList.as_view(), name="api-weekly-reviews"),
]
