"""Independent origins: how many accounts a claim's sources come back to, as readers, editors,
the read API and the suggestion run see it."""

from io import StringIO

import pytest
from django.core.management import call_command

from sources.models import SourceBasis
from talks.models import Citation, Claim

from .conftest import SEED_FIXTURE, make_claim, make_source
from .test_public_pages import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed():
    call_command("import_fixtures", str(SEED_FIXTURE), stdout=StringIO())


RESTING_ON_DELEGATION = {"miami-talks-concluded", "ukrainian-side-umerov-hnatov"}


def test_every_published_seed_claim_page_states_its_origins(seed, client):
    for claim in Claim.objects.filter(status="published"):
        page = text_of(client.get(claim.get_absolute_url()))
        assert " origin: " in page or " origins: " in page, claim.slug
        unnamed = "Everything cited comes back to one origin whose people are not named" in page
        assert unnamed == (claim.slug in RESTING_ON_DELEGATION), claim.slug


def test_the_claims_resting_on_the_delegations_unnamed_sources_say_so(seed, client):
    page = text_of(client.get("/claims/miami-talks-concluded/"))
    assert "3 sources · 1 origin: unnamed sources (Sources within the Ukrainian delegation)" in page
    assert "attributed to: unnamed source" in page
    other = text_of(client.get("/claims/umerov-clear-directives-from-president/"))
    assert (
        "2 sources · 1 origin: Statement by Rustem Umerov on the Miami talks "
        "(named official on record)" in other
    )


def published_claim(**fields):
    return make_claim(status="published", verdict="accurate", **fields)


def test_two_reports_of_two_briefings_are_two_origins():
    claim = published_claim()
    first, second = make_source(kind="anonymous_briefing"), make_source(kind="anonymous_briefing")
    for source in (first, second):
        report = make_source()
        SourceBasis.objects.create(source=report, basis=source)
        Citation.objects.create(claim=claim, source=report, attribution="unnamed")
        Citation.objects.create(claim=claim, source=source, attribution="unnamed")
    claim = Claim.objects.with_provenance().get(pk=claim.pk)
    assert [origin.sources for origin in claim.independent_origins()] == [[first], [second]]
    assert not claim.rests_on_one_unnamed_origin
    assert not Claim.objects.resting_on_one_unnamed_origin().exists()


def test_sources_relaying_each_other_in_a_circle_are_one_origin_and_named(client):
    claim = published_claim()
    one, other = make_source(title="Agency wire"), make_source(title="Evening paper")
    SourceBasis.objects.create(source=one, basis=other)
    SourceBasis.objects.create(source=other, basis=one)
    Citation.objects.create(claim=claim, source=one, quote="Said.")
    Citation.objects.create(claim=claim, source=other, quote="Said again.")
    loaded = Claim.objects.with_provenance().get(pk=claim.pk)
    (origin,) = loaded.independent_origins()
    assert origin.circular and set(origin.sources) == {one, other}
    page = text_of(client.get(claim.get_absolute_url()))
    assert "2 sources · 1 origin: Agency wire and 1 other, relaying each other in a circle" in page
    assert "Circular: it rests on “Agency wire”, which rests on it in turn." in page


def test_the_admin_filter_lists_published_claims_resting_on_one_unnamed_origin(
    seed,
    editor_client,
):
    response = editor_client.get("/admin/talks/claim/?origins=one_unnamed")
    assert response.status_code == 200
    listed = {claim.slug for claim in response.context["cl"].result_list}
    assert listed == RESTING_ON_DELEGATION
    assert (
        set(Claim.objects.resting_on_one_unnamed_origin().values_list("slug", flat=True))
        == RESTING_ON_DELEGATION
    )


def test_the_read_api_gives_each_claims_origins_and_each_sources_basis(seed, client):
    claim = client.get("/api/v1/claims/miami-talks-concluded").json()
    (origin,) = claim["origins"]
    assert [source["slug"] for source in origin["sources"]] == [
        "ukrainian-delegation-sources-miami-talks"
    ]
    assert origin["unnamed"] and not origin["circular"]
    assert origin["attributions"] == ["unnamed"]
    assert claim["rests_on_one_unnamed_origin"] is True
    assert {c["source"]["slug"]: c["attribution"] for c in claim["citations"]} == {
        "article-2025-12-05-miami-talks": "relay",
        "suspilne-report-miami-talks-concluded": "unnamed",
        "ukrainian-delegation-sources-miami-talks": "unnamed",
    }
    assert origin["sources"][0]["basis"] == "original"
    other = client.get("/api/v1/claims/umerov-clear-directives-from-president").json()
    assert other["rests_on_one_unnamed_origin"] is False


# --- The suggestion rule: rated accurate on one unnamed origin ---------------------------------


def test_the_run_suggests_checking_the_claims_rated_accurate_on_one_unnamed_origin(seed, as_role):
    from talks.models import SourcingSuggestion
    from talks.services.suggestion_runs import refresh_suggestions

    editor = as_role("Editor")
    outcome = refresh_suggestions(user=editor.user, reason="Morning run")
    assert "Sourcing checks: 2 new, 0 withdrawn; 2 pending in all." in outcome.summary()
    pending = SourcingSuggestion.objects.pending()
    assert {s.claim.slug for s in pending} == RESTING_ON_DELEGATION
    explanation = pending.get(claim__slug="miami-talks-concluded").explanation
    assert "Rated accurate, though all 3 sources cited come back to one origin" in explanation
    assert "Sources within the Ukrainian delegation" in explanation
    assert pending.first().history.get().history_change_reason == "Morning run"

    listed = editor.get("/admin/talks/sourcingsuggestion/")
    assert "Rated accurate on one unnamed origin" in listed.content.decode()
    dismissed = pending.get(claim__slug="ukrainian-side-umerov-hnatov")
    contributor = as_role("Contributor")
    refused = contributor.post(f"/admin/talks/sourcingsuggestion/{dismissed.pk}/dismiss/")
    assert refused.status_code == 403
    editor.post(f"/admin/talks/sourcingsuggestion/{dismissed.pk}/dismiss/")
    dismissed.refresh_from_db()
    assert dismissed.status == "dismissed" and dismissed.decided_by == editor.user

    # An independent, named origin cited: the claim no longer rests on one unnamed origin.
    claim = Claim.objects.get(slug="miami-talks-concluded")
    statement = make_source(title="Umerov's statement", kind="official_statement")
    Citation.objects.create(claim=claim, source=statement, attribution="named_official")
    again = refresh_suggestions(user=editor.user, reason="Evening run")
    assert "Sourcing checks: 0 new, 1 withdrawn; 0 pending in all." in again.summary()
    assert SourcingSuggestion.objects.get().status == "dismissed"  # the dismissal stands
