"""A claim as it stood at any moment, from its history: on the readers' page only a moment
when it was published shows anything; the admin shows every state; bad dates are a 400."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sources.models import SourceBasis
from talks.models import Citation, Claim, Contradiction

from .conftest import SEED_FIXTURE, make_claim, make_source
from .test_public_pages import links, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed():
    call_command("import_fixtures", str(SEED_FIXTURE), stdout=StringIO())


def correct(claim, **changes):
    for name, value in changes.items():
        setattr(claim, name, value)
    claim._change_reason = "Corrected: " + ", ".join(changes)
    claim.save()


def test_the_as_of_view_of_a_corrected_seed_claim_shows_the_wording_before(seed, client):
    claim = Claim.objects.get(slug="moscow-meeting-nearly-five-hours")
    original = claim.text
    correct(claim, text="The Putin–Witkoff meeting in Moscow lasted about five hours.")

    page = client.get(claim.get_absolute_url())
    (before,) = [href for href in links(page) if "/as-of/?at=" in href]
    then = client.get(before)
    assert then.status_code == 200
    shown = text_of(then)
    assert original in shown
    assert "about five hours" not in shown
    assert "This is the fact check as it stood on" in shown
    assert "The meeting lasted nearly five hours." in shown  # its citation's quote then
    assert claim.get_absolute_url() in links(then)
    # Now: the corrected wording.
    now = text_of(client.get(f"{claim.get_absolute_url()}as-of/?at={timezone.now():%Y-%m-%d}"))
    assert "about five hours" in now


def test_a_moment_when_the_claim_was_a_draft_shows_nothing_of_it(client):
    claim = make_claim(text="A secret first wording.", status="draft", slug="the-claim")
    drafted = timezone.now()
    claim.text, claim.status, claim.verdict = "The published wording.", "published", "false"
    claim.save()
    at = drafted.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    response = client.get(f"{claim.get_absolute_url()}as-of/?at={at}")
    assert response.status_code == 404
    assert "Not published then" in text_of(response)
    assert "secret" not in response.content.decode()
    # Before the desk had any record of it: not published then either.
    early = client.get(f"{claim.get_absolute_url()}as-of/?at=2020-01-01")
    assert early.status_code == 404
    assert "The desk's record of it begins on" in text_of(early)


def test_a_claim_not_published_now_has_no_as_of_page(client):
    claim = make_claim(status="published", verdict="false")
    claim.status = "retracted"
    claim.save()
    assert client.get(f"{claim.get_absolute_url()}as-of/?at=2030-01-01").status_code == 404


@pytest.mark.parametrize(
    "at, says",
    [
        ("yesterday", "is not a date"),
        ("2025-13-45", "is not a date"),
        ("9999-12-31T23:59:59", "in the future"),
        ("99999-01-01", "is not a date"),
        ("2025-12-03T25:00", "is not a date"),
        ("", "Give a day"),
        ("x" * 500, "at most 40 characters"),
    ],
)
def test_a_moment_that_is_no_date_is_a_400_that_says_why(client, at, says):
    claim = make_claim(status="published", verdict="false")
    response = client.get(f"{claim.get_absolute_url()}as-of/", {"at": at})
    assert response.status_code == 400
    assert says in text_of(response)


def test_without_a_moment_the_page_offers_the_day_to_pick(client):
    claim = make_claim(status="published", verdict="false")
    response = client.get(f"{claim.get_absolute_url()}as-of/")
    assert response.status_code == 200
    assert 'name="at"' in response.content.decode()


def claim_with(n):
    claim = make_claim(status="published", verdict="false")
    for i in range(n):
        source = make_source()
        SourceBasis.objects.create(source=source, basis=make_source())
        Citation.objects.create(claim=claim, source=source, quote=f"Quote {i}")
        Contradiction.objects.create(
            claim_a=claim,
            claim_b=make_claim(status="published", verdict="accurate"),
            kind="date",
            status="confirmed",
        )
    return claim


def test_the_as_of_page_runs_the_same_queries_with_one_or_thirty_of_everything(client):
    counts = []
    for n in (1, 30):
        claim = claim_with(n)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{claim.get_absolute_url()}as-of/?at={timezone.now():%Y-%m-%d}")
        assert response.status_code == 200
        assert text_of(response).count("Quote ") == n
        assert text_of(response).count("Confirmed") == n
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_contradictions_show_as_they_stood_and_only_decided_ones(client):
    claim = make_claim(status="published", verdict="false")
    other = make_claim(text="The other claim.", status="published", verdict="accurate")
    contradiction = Contradiction.objects.create(
        claim_a=claim, claim_b=other, kind="date", status="open"
    )
    before_decision = timezone.now()
    contradiction.status = "confirmed"
    contradiction.save()
    url = f"{claim.get_absolute_url()}as-of/"
    then = text_of(client.get(url, {"at": before_decision.isoformat()}))
    assert "The other claim." not in then
    now = text_of(client.get(url, {"at": (timezone.now()).isoformat()}))
    assert "The other claim." in now


def test_the_admin_shows_the_claim_as_it_stood_even_as_a_draft(editor_client):
    claim = make_claim(text="The draft wording.", status="draft")
    drafted = timezone.now()
    claim.text = "The reviewed wording."
    claim._change_reason = "Reviewed"
    claim.save()
    url = f"/admin/talks/claim/{claim.pk}/as-of/"
    response = editor_client.get(url, {"at": drafted.isoformat()})
    assert response.status_code == 200
    page = text_of(response)
    then = page[page.index("(the version recorded") :]
    assert "The draft wording." in then and "Draft" in then
    assert "The reviewed wording." not in then
    bad = editor_client.get(url, {"at": "3 Dec"})
    assert bad.status_code == 400
    assert "is not a date" in text_of(bad)
    change = editor_client.get(f"/admin/talks/claim/{claim.pk}/change/")
    assert url in change.content.decode()


def test_an_as_of_page_is_not_for_search_engines(client):
    claim = make_claim(status="published", verdict="false")
    day = datetime.date.today().isoformat()
    html = client.get(f"{claim.get_absolute_url()}as-of/?at={day}").content.decode()
    assert '<meta name="robots" content="noindex">' in html
    assert f'<link rel="canonical" href="{claim.get_absolute_url()}">' in html
