"""When PostgreSQL drops the app's connections, readers and editors get their pages: the pool
lends only connections that answer, a page whose connection dies under it is asked again, a
write whose connection dies is a 503, ``/readyz`` says whether the database answers, and with
the database gone the page cache still serves what it holds."""

import time
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection, connections
from django.test import Client
from django.urls import reverse

from talks import page_cache

from .admin_forms import changeform_data
from .conftest import make_claim
from .logins import log_in_verified
from .test_public_rules import published_claim

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="ends the server's own connections"
)


def terminate(pids):
    """End these backends from a connection of our own, as a failover or an operator does."""
    import psycopg

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as killer:
        killer.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) AS pid", [pids])


def the_apps_backends():
    """Every backend of the test database but this test's own connection to it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid()"
        )
        return [pid for (pid,) in cursor.fetchall()]


@pytest.fixture
def desk_pages(django_user_model):
    """A published claim's public pages and an editor's admin pages, the editor signed in."""
    claim = published_claim(claimant=None)
    make_claim(text="A draft on the desk.")
    editor = django_user_model.objects.create_superuser("night-editor", "n@example.org", "pw")
    client = Client(raise_request_exception=False)
    log_in_verified(client, editor)
    return client, [
        claim.get_absolute_url(),
        "/claims/",
        "/sitemap.xml",
        reverse("admin:index"),
        reverse("admin:talks_claim_changelist"),
        reverse("admin:talks_claim_change", args=[claim.pk]),
        reverse("admin:talks_claim_history", args=[claim.pk]),
    ]


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_killing_the_apps_connections_mid_traffic_gives_no_server_error(desk_pages):
    client, urls = desk_pages
    statuses = []
    for round_ in range(6):
        for url in urls:
            statuses.append(client.get(url).status_code)
        terminate(the_apps_backends())  # the pool's idle connections, between two requests
        if round_ % 2:
            connection.close()  # and the one this thread holds, whose next query then fails

    assert [status for status in statuses if status >= 500] == []
    assert statuses.count(200) == len(statuses)


def dying_connection(when):
    """An execute wrapper that ends its own connection once, before the first query that
    ``when(sql, queries_before)`` picks; and the queries it saw."""
    seen, killed = [], []

    def wrapper(execute, sql, params, many, context):
        if not killed and when(sql, len(seen)):
            killed.append(sql)
            terminate([context["connection"].connection.info.backend_pid])
        seen.append(sql)
        return execute(sql, params, many, context)

    return wrapper, seen, killed


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_page_whose_connection_dies_under_it_is_asked_again(desk_pages):
    client, _ = desk_pages
    wrapper, seen, killed = dying_connection(lambda sql, before: before == 2)

    with connection.execute_wrapper(wrapper):
        response = client.get(reverse("admin:talks_claim_changelist"))

    assert killed and len(seen) > 3  # the page's queries, then all of them again
    assert response.status_code == 200


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_write_whose_connection_dies_is_a_503_not_a_500(desk_pages):
    client, _ = desk_pages
    add = reverse("admin:talks_person_add")
    data = {**changeform_data(client.get(add)), "name": "Rustem Umerov"}
    wrapper, _, killed = dying_connection(lambda sql, before: sql.startswith("INSERT"))

    with connection.execute_wrapper(wrapper):
        response = client.post(add, data)

    assert killed
    assert response.status_code == 503
    assert response["Retry-After"]


@pytest.mark.django_db
def test_readyz_says_whether_the_database_answers(client, monkeypatch):
    assert client.get("/readyz").status_code == 200

    def refused(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connections["default"], "cursor", refused)
    response = client.get("/readyz")

    assert response.status_code == 503
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_healthz_asks_nothing_of_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/healthz").status_code == 200


@contextmanager
def database_gone():
    """The test database refuses every connection and has none left, as when its server is
    down; the pool waits 2 s for one, not 10. Afterwards it answers again, to a new pool."""
    import psycopg

    name = connection.settings_dict["NAME"]
    params = connection.get_connection_params()
    for unused in ("cursor_factory", "context", "dbname"):
        params.pop(unused, None)
    pool_options = connection.settings_dict["OPTIONS"]["pool"]
    with psycopg.connect(**params, dbname="postgres", autocommit=True) as admin:
        connection.close_pool()
        pool_options["timeout"], timeout = 2, pool_options["timeout"]
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
            [name],
        )
        try:
            yield
        finally:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
            connection.close_pool()
            pool_options["timeout"] = timeout


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_with_the_database_gone_cached_public_pages_still_serve(monkeypatch):
    monkeypatch.setattr(page_cache, "DATABASE_RETRY_SECONDS", 1)
    claim = published_claim(claimant=None)
    client = Client(raise_request_exception=False)
    page = claim.get_absolute_url()
    assert client.get(page)["X-Cache"] == "miss"
    connection.close()  # the page's connection goes back to the pool with the test's

    with database_gone():
        first, then = client.get(page), client.get(page)
        not_cached = client.get("/claims/?never=asked")
        uk_page_not_cached = client.get(f"/uk{page}")

    for answer in (first, then):
        assert (answer.status_code, answer["X-Cache"]) == (200, "stale")
        assert claim.text in answer.content.decode()
    assert not_cached.status_code == uk_page_not_cached.status_code == 503
    assert not_cached["Retry-After"]
    time.sleep(1)  # once the process asks the database again, the copy is checked again
    assert client.get(page)["X-Cache"] == "hit"
