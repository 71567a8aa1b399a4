from django.apps import AppConfig


class GongConfig(AppConfig):
    name = "gong"
    verbose_name = "Gong"
    default_auto_field = "django.db.models.BigAutoField"
