from django.apps import AppConfig


class ConfigAppConfig(AppConfig):
    name = "config"
    verbose_name = "callcoach"
