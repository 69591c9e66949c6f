"""The readers' search: names in any script, every language's words, phrases, and why each
claim matched."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from .conftest import SEED_FIXTURE

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed():
    call_command("import_fixtures", str(SEED_FIXTURE), stdout=StringIO())


def listed_claims(response):
    """The slugs of the claims a list page shows, in order."""
    html = response.content.decode()
    return re.findall(r'<a class="claim-item-text" href="/(?:uk/)?claims/([\w-]+)/"', html)


def admin_listed_claims(response):
    return re.findall(r'href="/admin/talks/claim/\d+/change/[^"]*">', response.content.decode())


@pytest.mark.parametrize(
    ("query", "found"), [('"peace plan"', 2), ('"20-point peace plan"', 1), ('"plan peace"', 0)]
)
def test_a_phrase_finds_the_same_claims_in_the_public_search_and_the_admin(
    seed, client, editor_client, query, found
):
    public = client.get("/claims/", {"q": query})
    admin = editor_client.get("/admin/talks/claim/", {"q": query, "status__exact": "published"})
    assert len(listed_claims(public)) == len(admin_listed_claims(admin)) == found
