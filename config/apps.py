from django.apps import AppConfig


class ConfigAppConfig(AppConfig):
    name = "config"
    verbose_name = "callcoach"

    def ready(self) -> None:
        from django_q.signals import post_spawn

        from config.worker import worker_priority_lower

        post_spawn.connect(worker_priority_lower, dispatch_uid="callcoach_worker_priority")
