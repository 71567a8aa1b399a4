from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = "Ops"

    def ready(self) -> None:
        # gong/admin.py cannot import ops (layers), so the "Retry" and erasure actions are attached from here.
        from ops.actions import call_admin_actions_register
        from ops.erasure_actions import erasure_actions_register

        call_admin_actions_register()
        erasure_actions_register()
