"""Ops admin pages. Mounted by config/urls.py at "admin/ops/" (before the admin include, whose catch-all would
otherwise answer 404 for these paths), each view wrapped in admin.site.admin_view."""

from django.contrib import admin
from django.urls import path

from ops import views

app_name = "ops"

urlpatterns = [
    path("costs/", admin.site.admin_view(views.costs), name="costs"),
    path("pipeline/", admin.site.admin_view(views.pipeline_view), name="pipeline"),
    path("gong-quota/", admin.site.admin_view(views.gong_quota), name="gong_quota"),
]
