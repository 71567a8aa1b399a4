"""config.urls plus the ops pages, mounted the way config/urls.py will mount them (before the admin)."""

from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("admin/ops/", include("ops.urls")),
    *project_urlpatterns,
]
