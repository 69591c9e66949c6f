"""Public pages read from a PostgreSQL read replica; editors and every write use the primary.

``PublicReadsMiddleware`` marks a request as a public read (a GET or HEAD outside the admin
from a reader without a session) for the time of the request; ``ReplicaRouter`` then sends
its reads to the database alias named by ``PUBLIC_READS_DATABASE``. Logged-in editors always
read the primary, so they see their own writes at once (read-your-writes), whatever the
replica lag.
"""

from contextvars import ContextVar

from django.conf import settings

_public_read = ContextVar("public_read", default=False)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return settings.PUBLIC_READS_DATABASE if _public_read.get() else "default"

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
