"""Public reads go to the replica; editors, the admin and every write go to the primary."""

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connections
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext

from config.db_routing import PublicReadsMiddleware
from talks.models import Claim

from .conftest import make_claim

pytestmark = [
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
    pytest.mark.usefixtures("replica_enabled"),
]


@pytest.fixture
def replica_enabled():
    with override_settings(PUBLIC_READS_DATABASE="replica"):
        yield


def list_claims(request):
    """A view that reads, and writes when asked: where does each query go?"""
    texts = list(Claim.objects.values_list("text", flat=True))
    if request.method == "POST":
        make_claim(text="Written by the view.")
    return HttpResponse("\n".join(texts))


def serve(request, user):
    request.user = user
    middleware = PublicReadsMiddleware(list_claims)
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        response = middleware(request)
    return response, len(primary), len(replica)


def test_an_anonymous_public_read_goes_to_the_replica():
    make_claim(text="Published on the primary.")

    response, on_primary, on_replica = serve(RequestFactory().get("/claims/"), AnonymousUser())

    assert response.content.decode() == "Published on the primary."
    assert (on_primary, on_replica) == (0, 1)


def test_an_editor_reads_the_primary_and_sees_their_own_writes(django_user_model):
    editor = django_user_model.objects.create_user("editor", password="pw", is_staff=True)
    request = RequestFactory().get("/claims/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = "the editor's session"

    _, on_primary, on_replica = serve(request, editor)

    assert on_primary > 0 and on_replica == 0


def test_a_reader_with_a_session_cookie_reads_the_primary_even_when_logged_out():
    request = RequestFactory().get("/claims/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = "an expired session"

    _, on_primary, on_replica = serve(request, AnonymousUser())

    assert on_primary > 0 and on_replica == 0


def test_a_public_page_and_its_edition_are_read_from_the_replica(client, commits):
    claim = commits(lambda: make_claim(status="published", verdict="false"))
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        assert client.get(claim.get_absolute_url()).status_code == 200
        assert client.get(claim.get_absolute_url())["X-Cache"] == "hit"

    assert len(primary) == 0
    assert "talks_edition" in replica[0]["sql"] and "talks_pagestamp" in replica[-1]["sql"]


def test_the_admin_reads_the_primary_even_for_anonymous_visitors():
    _, on_primary, on_replica = serve(RequestFactory().get("/admin/login/"), AnonymousUser())

    assert on_primary > 0 and on_replica == 0


def test_writes_go_to_the_primary():
    _, on_primary, on_replica = serve(RequestFactory().post("/claims/"), AnonymousUser())

    assert on_replica == 0
    assert Claim.objects.using("default").filter(text="Written by the view.").exists()


def test_outside_a_request_everything_uses_the_primary():
    make_claim()

    with CaptureQueriesContext(connections["replica"]) as replica:
        assert Claim.objects.count() == 1

    assert len(replica) == 0
