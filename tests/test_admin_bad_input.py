"""Malformed input in the admin is refused with a page saying what is wrong, never a server
error: filters, ids, years, lookups, actions, uploads and logins."""

import pytest
from django.test import Client
from django.urls import reverse

from talks.models import Contradiction

from .conftest import make_claim, make_meeting, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk_client(editor):
    """A signed-in editor whose server errors come back as responses, as a browser sees them."""
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    return client


@pytest.mark.parametrize(
    "lookup", ["text__regex=[", "text__iregex=(a*)*b", "pk__gt=1", "claimant__name=x"]
)
def test_a_lookup_the_claim_list_does_not_offer_is_refused(desk_client, lookup):
    response = desk_client.get(f"{reverse('admin:talks_claim_changelist')}?{lookup}")

    assert response.status_code == 400
    assert "This list offers no filter" in response.content.decode()


@pytest.mark.parametrize("parameter", ["person", "meeting"])
def test_a_contradiction_filter_naming_no_record_is_refused(desk_client, parameter):
    Contradiction.objects.create(
        claim_a=make_claim(claimant=make_person(), meeting=make_meeting()),
        claim_b=make_claim(),
        kind="role",
    )

    response = desk_client.get(reverse("admin:talks_contradiction_changelist"), {parameter: "abc"})

    assert response.status_code == 400
    assert "A filter&#x27;s value is not valid" in response.content.decode()


def test_the_offered_filters_still_filter(desk_client):
    response = desk_client.get(reverse("admin:talks_claim_changelist"), {"status__exact": "draft"})

    assert response.status_code == 200


@pytest.mark.parametrize("year", ["0", "9999", "abc"])
def test_a_year_no_calendar_has_is_refused_in_the_date_drill_down(desk_client, year):
    response = desk_client.get(
        reverse("admin:talks_importrun_changelist"), {"started_at__year": year}
    )

    assert response.status_code == 400
    assert "The dates chosen are not valid" in response.content.decode()
