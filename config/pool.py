"""The check psycopg's pool runs on a connection before it lends it to a request.

PostgreSQL ends connections together (a restart, a failover, an operator's
``pg_terminate_backend``). The pool's own check finds one dead connection, then tries the
next one after a pause of 1 s, the next after 2 s, 4 s... (its reconnection backoff): with a
pool of dead connections a request waits past its 10 s and fails. Here a dead connection has
every other connection waiting in the pool checked at once, so the next one lent is sound.
"""

from psycopg_pool import ConnectionPool


def check_connection(conn):
    try:
        ConnectionPool.check_connection(conn)
    except Exception:
        pool = getattr(conn, "_pool", None)  # the pool this connection belongs to
        if pool is not None:
            pool.check()
        raise
