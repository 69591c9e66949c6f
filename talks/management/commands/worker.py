from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.tasks import task_backends
from django_tasks_db import DatabaseBackend

from talks.tasks import fail_tasks_of_lost_workers, worker_name


class Command(BaseCommand):
    help = (
        "Run the desk's background tasks as they are queued (suggestion runs, admin imports, "
        "pages rendered again), on the queue TASKS_BACKEND names: the database (the default) "
        "or RQ over Redis. Start it several times, on one machine or several, to run several "
        "tasks at once: each task runs on one worker only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--burst", action="store_true", help="Run the tasks queued now, then stop."
        )

    def handle(self, *args, burst, verbosity, **options):
        output = {"verbosity": verbosity, "stdout": self.stdout._out, "stderr": self.stderr._out}
        backend = task_backends["default"]
        queues = sorted(backend.queues)  # TASKS["default"]["QUEUES"] in the settings
        if not isinstance(backend, DatabaseBackend):
            # RQ runs each task in a child process of its own; django-tasks-rq's job class
            # calls the django.tasks function and records its result.
            call_command(
                "rqworker",
                *queues,
                job_class="django_tasks_rq.Job",
                burst=burst,
                name=worker_name(),
                **output,
            )
        else:
            fail_tasks_of_lost_workers()
            call_command(
                "db_worker",
                queue_name=",".join(queues),
                batch=burst,
                reload=False,
                startup_delay=not burst,
                worker_id=worker_name(),
                **output,
            )
