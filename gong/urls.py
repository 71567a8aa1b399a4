"""Gong's URLs, mounted at /webhooks/gong/ by config.urls."""

urlpatterns: list = []
