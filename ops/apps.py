from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = "Ops"

    def ready(self) -> None:
        # gong/admin.py cannot import ops (layers), so the "Retry" action is attached to the Call admin from here.
        from ops.actions import call_admin_actions_register

        call_admin_actions_register()
