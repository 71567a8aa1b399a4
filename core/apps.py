from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Infrastructure every app stands on: partition maintenance, errors, queue helpers. Owns no tables."""

    name = "core"
    verbose_name = "Core"
