"""Admin lists stay cheap on large tables: counts are bounded, and said to be."""

import pytest
from django.db import connection
from django.urls import reverse

from sources.paginators import BoundedCountPaginator
from talks.models import Claim

from .conftest import make_claim

pytestmark = pytest.mark.django_db


class SmallBound(BoundedCountPaginator):
    count_bound = 5


def test_a_count_past_the_bound_stops_there_and_says_so():
    for _ in range(8):
        make_claim()

    paginator = SmallBound(Claim.objects.order_by("pk"), per_page=3)

    assert paginator.count == 6
    assert paginator.count_is_bounded
    assert paginator.num_pages == 2


def test_a_count_within_the_bound_is_exact():
    for _ in range(4):
        make_claim()

    paginator = SmallBound(Claim.objects.order_by("pk"), per_page=3)

    assert (paginator.count, paginator.count_is_bounded) == (4, False)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner estimates are PostgreSQL's")
def test_an_unfiltered_large_table_takes_the_planner_estimate():
    for _ in range(8):
        make_claim()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE talks_claim")

    unfiltered = SmallBound(Claim.objects.order_by("pk"), per_page=3)
    filtered = SmallBound(Claim.objects.filter(status="draft").order_by("pk"), per_page=3)

    assert (unfiltered.count, unfiltered.count_is_estimate) == (8, True)
    assert (filtered.count, filtered.count_is_bounded, filtered.count_is_estimate) == (
        6,
        True,
        False,
    )


def test_the_changelist_shows_a_bounded_count_as_more_than(editor_client, monkeypatch):
    monkeypatch.setattr(BoundedCountPaginator, "count_bound", 2)
    for _ in range(4):
        make_claim()

    url = reverse("admin:talks_claim_changelist") + "?status__exact=draft"
    page = editor_client.get(url).content.decode()

    assert "more than 2" in page
    assert page.count('class="action-select"') == 4


def test_the_contradiction_filters_list_the_most_involved_and_the_chosen(
    editor_client, monkeypatch
):
    from sources import recently_used
    from talks.models import Contradiction

    from .conftest import make_person

    monkeypatch.setattr(recently_used, "LISTED", 1)
    often, once = make_person(name="Often Involved"), make_person(name="Once Involved")
    for claimant in (often, often, once):
        Contradiction.objects.create(
            claim_a=make_claim(claimant=claimant), claim_b=make_claim(), kind="role"
        )
    url = reverse("admin:talks_contradiction_changelist")

    unfiltered = editor_client.get(url).content.decode()
    chosen = editor_client.get(url, {"person": once.pk}).content.decode()

    assert "Often Involved" in unfiltered and "Once Involved" not in unfiltered
    assert "Once Involved" in chosen
