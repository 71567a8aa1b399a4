from django.apps import AppConfig


class ConfigAppConfig(AppConfig):
    name = "config"
    verbose_name = "callcoach"

    def ready(self) -> None:
        # gong/admin.py cannot import config (layers), so the ops "Retry" action is attached from here.
        from config.ops.actions import call_admin_actions_register

        call_admin_actions_register()
