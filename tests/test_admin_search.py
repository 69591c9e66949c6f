"""Admin search and filters that stay index-backed and bounded at a million claims."""

import datetime
import json

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sources.admin import filters as admin_filters
from sources.admin import search as admin_search
from sources.search_indexes import trigram_index_name
from talks.models import ImportRun, PersonAlias

from .conftest import make_claim, make_meeting, make_person, make_source

pytestmark = pytest.mark.django_db


def listed_claims(client, **params):
    response = client.get(reverse("admin:talks_claim_changelist"), params)
    assert response.status_code == 200
    return {claim.text for claim in response.context["cl"].result_list}


def as_if_the_table_held(monkeypatch, rows):
    """The planner's estimate of the list's table, which decides how related fields are
    searched: a test's tables are small."""
    monkeypatch.setattr(admin_search, "estimated_table_rows", lambda model, using: rows)


@pytest.fixture(
    params=[(1_000, 1_000_000), (0, 1_000_000), (1_000, 10)],
    ids=["id list", "row by row, many matches", "row by row, a small table"],
)
def every_search_way(request, monkeypatch):
    """The three ways a related field is searched: by the ids that match in its table, row
    by row when too many match, and row by row when the list's own table is small."""
    id_list_limit, table_rows = request.param
    monkeypatch.setattr(admin_search, "ID_LIST_LIMIT", id_list_limit)
    as_if_the_table_held(monkeypatch, table_rows)


@pytest.mark.usefixtures("every_search_way")
def test_search_reaches_related_names_every_way(editor_client):
    witkoff = make_person(name="Steve Witkoff")
    make_claim(text="The envoy flew to Miami.", claimant=witkoff)
    make_claim(text="Witkoff will attend, aides said.")
    make_claim(text="Nothing about him here.")

    assert listed_claims(editor_client, q="witKOFF") == {
        "The envoy flew to Miami.",
        "Witkoff will attend, aides said.",
    }


def test_every_word_must_match_and_a_quoted_phrase_is_one_word(editor_client):
    make_claim(text="Talks in Geneva ended late.")
    make_claim(text="Geneva was quiet; the talks moved on.")
    make_claim(text="Talks in Miami.")

    assert listed_claims(editor_client, q="talks geneva") == {
        "Talks in Geneva ended late.",
        "Geneva was quiet; the talks moved on.",
    }
    assert listed_claims(editor_client, q='"talks in geneva"') == {"Talks in Geneva ended late."}


@pytest.mark.usefixtures("every_search_way")
def test_a_person_matched_by_several_other_names_is_listed_once(editor_client):
    person = make_person(name="Rustem Umerov")
    for name in ("Umerov R.", "Umerov, Rustem", "Умеров"):
        PersonAlias.objects.create(person=person, name=name)
    make_person(name="Someone Else")

    response = editor_client.get(reverse("admin:talks_person_changelist"), {"q": "umerov"})

    assert [p.name for p in response.context["cl"].result_list] == ["Rustem Umerov"]


def test_autocomplete_searches_the_same_way(editor_client):
    make_meeting(title="Geneva round", place="Geneva")
    make_meeting(title="Miami round", place="Miami")

    response = editor_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "talks", "model_name": "claim", "field_name": "meeting", "term": "gene"},
    )

    assert [result["text"] for result in response.json()["results"]] == ["Geneva round"]


def test_the_meeting_filter_offers_what_the_top_of_the_list_uses_and_the_chosen(
    editor_client, monkeypatch
):
    monkeypatch.setattr(admin_filters, "TOP_ROWS", 2)
    old, recent = make_meeting(title="Old round"), make_meeting(title="Recent round")
    make_claim(meeting=old, claimed_on=datetime.date(2020, 1, 1))
    make_claim(meeting=recent, claimed_on=datetime.date(2025, 11, 23))
    make_claim(meeting=recent, claimed_on=datetime.date(2025, 11, 24))

    url = reverse("admin:talks_claim_changelist")
    unfiltered = editor_client.get(url).content.decode()
    chosen = editor_client.get(url, {"meeting__id__exact": old.pk}).content.decode()

    def offered(meeting, page):
        return f"?meeting__id__exact={meeting.pk}" in page

    assert offered(recent, unfiltered) and not offered(old, unfiltered)
    assert offered(old, chosen)


def test_the_years_filter_spans_first_to_last_and_opens_a_year_into_months(editor_client):
    make_claim(text="Early.", claimed_on=datetime.date(2023, 5, 2))
    make_claim(text="Late.", claimed_on=datetime.date(2025, 11, 23))
    url = reverse("admin:talks_claim_changelist")

    page = editor_client.get(url).content.decode()
    year = {"claimed_on__gte": "2025-01-01", "claimed_on__lt": "2026-01-01"}
    in_2025 = editor_client.get(url, year)

    assert all(f">{year}</a>" in page for year in ("2023", "2024", "2025"))
    assert "November 2025" not in page
    assert "November 2025" in in_2025.content.decode()
    assert {c.text for c in in_2025.context["cl"].result_list} == {"Late."}


def searched_columns():
    """(table, column) of every text column an admin search of ours reads."""
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in ("sources", "talks"):
            continue
        for path in model_admin.search_fields:
            *relations, column = path.split("__")
            holder = model
            for name in relations:
                holder = holder._meta.get_field(name).related_model
            if holder._meta.app_label in ("sources", "talks"):
                field = holder._meta.get_field(column)
                yield holder._meta.db_table, field.column, field.get_internal_type()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's")
def test_every_searched_text_column_has_a_trigram_index():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%gin_trgm_ops%'")
        indexes = {name for (name,) in cursor.fetchall()}

    missing = {
        (table, column)
        for table, column, kind in searched_columns()
        if kind != "UUIDField" and trigram_index_name(table, column) not in indexes
    }

    assert missing == set()


# Import runs are one row per import, searched by their id too (a UUID, no index).
SEARCHED_LISTS = sorted(
    (
        model
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in ("sources", "talks")
        and model_admin.search_fields
        and model is not ImportRun
    ),
    key=lambda model: model._meta.label,
)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN plans are PostgreSQL's")
@pytest.mark.parametrize("model", SEARCHED_LISTS, ids=lambda model: model._meta.label)
def test_each_search_is_answered_by_indexes_not_by_reading_the_table(
    rf, editor, monkeypatch, model
):
    as_if_the_table_held(monkeypatch, 1_000_000)
    # Something to find in each related table, so that no id list is empty.
    witkoff = make_person(name="Steve Witkoff")
    make_claim(text="Witkoff said so.", claimant=witkoff, meeting=make_meeting(title="Witkoff"))
    make_source(title="Witkoff in Miami")
    model_admin, table = admin.site._registry[model], model._meta.db_table
    request = rf.get("/", {"q": "Witkoff"})
    request.user = editor
    queryset, _ = model_admin.get_search_results(
        request, model_admin.get_queryset(request), "Witkoff"
    )

    with connection.cursor() as cursor:
        # Left only bitmap scans, which need an indexed condition, the planner reads the
        # table in full (a Seq Scan) if the search gives it no such condition.
        for kind in ("seqscan", "indexscan", "indexonlyscan"):
            cursor.execute(f"SET LOCAL enable_{kind} = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan

    reads = [node for node in plan_nodes(plan[0]["Plan"]) if node.get("Relation Name") == table]
    assert reads, json.dumps(plan, indent=1)
    assert {node["Node Type"] for node in reads} == {"Bitmap Heap Scan"}, json.dumps(plan, indent=1)


def plan_nodes(node):
    yield node
    for child in node.get("Plans", []):
        yield from plan_nodes(child)


def test_the_claim_list_runs_the_same_queries_for_2_claims_as_for_12(
    editor_client,
):
    def claims_with_everything(count):
        for _ in range(count):
            make_claim(claimant=make_person(), meeting=make_meeting())

    url = reverse("admin:talks_claim_changelist")
    claims_with_everything(2)
    with CaptureQueriesContext(connection) as few:
        editor_client.get(url)
    claims_with_everything(10)
    cache.clear()  # the filters' counts too, not remembered from the first request
    with CaptureQueriesContext(connection) as more:
        editor_client.get(url)

    assert len(more) == len(few)


def test_link_rows_are_listed_newest_first(editor_client):
    from talks.models import Citation

    first, second = make_claim(), make_claim()
    source = make_source()
    older = Citation.objects.create(claim=second, source=source, quote="Older.")
    newer = Citation.objects.create(claim=first, source=source, quote="Newer.")

    response = editor_client.get(reverse("admin:talks_citation_changelist"))

    assert list(response.context["cl"].result_list) == [newer, older]
