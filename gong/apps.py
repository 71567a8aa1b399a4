from django.apps import AppConfig


class GongConfig(AppConfig):
    name = "gong"
    verbose_name = "Gong"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from gong import checks  # noqa: F401  (registers the start-up checks)
