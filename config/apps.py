"""The project's own app config: connects the plumbing that must run in every process, web
or worker (a worker loads no URLs and no middleware)."""

from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "config"
    label = "operations"
    verbose_name = "Operations"

    def ready(self):
        from django_tasks.signals import task_finished

        from config.task_queue import count_outcome

        task_finished.connect(count_outcome, dispatch_uid="ledger-count-task-outcome")
