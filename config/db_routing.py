"""Public pages read from a PostgreSQL read replica; editors and every write use the primary.

``PublicReadsMiddleware`` marks a request as a public read (a GET or HEAD outside the admin
from a reader without a session) for the time of the request; ``ReplicaRouter`` then sends
its reads to the database alias named by ``PUBLIC_READS_DATABASE``. Logged-in editors always
read the primary, so they see their own writes at once (read-your-writes), whatever the
replica lag. The task queue's tables are read on the primary whatever the request: a worker
claims a task and a page shows its progress from the rows being written, never from a copy
that lags behind.
"""

from contextvars import ContextVar

from django.conf import settings

_public_read = ContextVar("public_read", default=False)

# Apps whose rows are only ever read where they are written.
PRIMARY_ONLY_APPS = {"django_tasks_database"}  # django-tasks-db's app label


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if model._meta.app_label in PRIMARY_ONLY_APPS or not _public_read.get():
            return "default"
        return settings.PUBLIC_READS_DATABASE

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, **hints):
        return db == "default"


class PublicReadsMiddleware:
    """Send an anonymous reader's GET or HEAD outside the admin to the replica."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.is_public_read(request):
            return self.get_response(request)
        token = _public_read.set(True)
        try:
            return self.get_response(request)
        finally:
            _public_read.reset(token)

    @staticmethod
    def is_public_read(request):
        """A GET or HEAD outside the admin by a reader without a session cookie.

        The cookie alone decides, so this middleware can run before sessions and
        authentication (the page cache reads its edition here); a reader whose session has
        expired reads the primary, which is never behind.
        """
        if request.method not in ("GET", "HEAD") or request.path.startswith("/admin/"):
            return False
        return settings.SESSION_COOKIE_NAME not in request.COOKIES
