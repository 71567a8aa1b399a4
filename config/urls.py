from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config import health, metrics

# The admin is the coaching portal: its index is the dashboard, not "Site administration".
admin.site.site_title = "callcoach"
admin.site.index_title = "Coaching dashboard"

urlpatterns = [
    path("webhooks/gong/", include("gong.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("coaching.api.urls")),
    path("admin/ops/", include("ops.urls")),
    path("oidc/", include("mozilla_django_oidc.urls")),
    path("admin/", admin.site.urls),
]
handler500 = "config.errors.server_error"
