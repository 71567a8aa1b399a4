"""Gong's URLs, mounted at /webhooks/gong/ by config.urls."""

from django.urls import path

from gong.views import gong_webhook

urlpatterns = [
    path("", gong_webhook, name="gong-webhook"),
]
