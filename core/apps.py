from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Infrastructure every app stands on: partitions, errors, metrics, logging context, and the MCP API tokens
    (core_api_token: infrastructure, not one of the 14 domain tables)."""

    name = "core"
    verbose_name = "Core"
