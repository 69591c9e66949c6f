"""A request that loses its database connection is answered, never a server error.

PostgreSQL drops connections (a restart, a failover, an idle timeout, an administrator's
``pg_terminate_backend``): the pool checks each connection before lending it
(``check`` in ``config/settings.py``), but one may die while a request holds it. Then the
request's query raises, and Django's answer would be a 500. Here the 500 handler tells a
lost connection from a bug by the error PostgreSQL or the pool gave: a lost connection is a
503 with ``Retry-After``, and ``RetryAfterLostConnectionMiddleware`` first tries a request
that only reads once more, on a fresh connection. A write is not retried: its transaction was
rolled back, or may have committed just before the connection went, and only the editor can
tell which.
"""

import sys

import psycopg
from django.db import connections
from django.http import HttpResponse
from django.views import defaults
from psycopg_pool import PoolTimeout

RETRY_AFTER_SECONDS = 5
# PostgreSQL's codes for a connection it ended: its class 08 (connection exception), and an
# administrator's or a crash's shutdown.
ENDED = ("08", "57P01", "57P02", "57P03")


def database_fault(error):
    """ "unreachable" when no connection could be had (the pool waited for one in vain),
    "lost" when the connection ended under the request, None for any other error.

    The error may be one raised as the request gave up (a session that could not load, a
    half-built list): the database's own is then in its context."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, PoolTimeout):
            return "unreachable"
        if isinstance(error, psycopg.InterfaceError):  # the connection was closed already
            return "lost"
        if isinstance(error, psycopg.OperationalError):
            code = error.sqlstate
            return "lost" if code is None or code.startswith(ENDED) else None
        error = error.__cause__ or error.__context__
    return None


def server_error(request, *args, **kwargs):
    """Django's 500 page, or a 503 when the database went away under the request."""
    fault = database_fault(sys.exc_info()[1])
    if fault:
        response = HttpResponse(
            "The desk cannot reach its database just now. Try again in a few seconds.\n",
            content_type="text/plain; charset=utf-8",
            status=503,
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        response.database_fault = fault
        return response
    return defaults.server_error(request, *args, **kwargs)


class RetryAfterLostConnectionMiddleware:
    """A GET or HEAD whose connection was lost is asked once more, on a fresh connection; not
    when none could be opened: the pool has waited for one already."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        lost = getattr(response, "database_fault", None) == "lost"
        if lost and request.method in ("GET", "HEAD"):
            for conn in connections.all(initialized_only=True):
                conn.close_if_unusable_or_obsolete()  # the pool lends a checked one next
            response = self.get_response(request)
        return response
