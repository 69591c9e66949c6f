"""The editors' desk in the admin: the home page per role, the buttons each list needs, the
one-page recording of a claim, labels an editor can read, and "View on site" only for pages
readers can open."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sources.models import Source
from talks.models import Citation, Claim, ClaimSubject, Contradiction, Person, Statement
from talks.services.claims import NewSource, RecordRefused, record_claim

from .conftest import make_claim, make_meeting, make_person, make_source, run_queued_tasks

pytestmark = pytest.mark.django_db


def section_titles(response):
    return [section.title for section in response.context["desk_sections"]]


@pytest.mark.parametrize(
    ("role", "first"),
    [
        ("Contributor", "Drafts"),
        ("Editor", "Claims in review"),
        ("Chief editor", "Ready to publish"),
    ],
)
def test_the_desk_home_starts_with_what_the_role_does_next(as_role, role, first):
    response = as_role(role).get(reverse("admin:index"))

    assert response.status_code == 200
    assert section_titles(response)[0] == first
    assert response.context["desk_role"] == role


def test_the_desk_home_lists_claims_in_review_and_open_contradictions(as_role):
    in_review = make_claim(text="The ceasefire starts on Monday.", status="in_review")
    other = make_claim(text="No ceasefire was agreed.")
    Contradiction.objects.create(claim_a=in_review, claim_b=other, kind="event")

    page = as_role("Editor").get(reverse("admin:index")).content.decode()

    assert "The ceasefire starts on Monday." in page
    assert "Event: “The ceasefire starts on Monday.” vs “No ceasefire was agreed.”" in page


def test_the_desk_home_puts_the_desk_first_and_site_administration_last(editor_client):
    apps = editor_client.get(reverse("admin:index")).context["app_list"]

    names = [app["name"] for app in apps]
    assert names == ["The desk", "Links between records", "Site administration"]
    desk = [model["object_name"] for model in apps[0]["models"]]
    assert desk[:3] == ["Claim", "Contradiction", "ContradictionSuggestion"]
    assert "Citation" in [model["object_name"] for model in apps[1]["models"]]
    assert {"User", "Group"} <= {model["object_name"] for model in apps[2]["models"]}


def test_run_button_is_on_the_suggestions_list_and_the_desk_home(editor_client):
    for url in [reverse("admin:talks_contradictionsuggestion_changelist"), reverse("admin:index")]:
        assert 'id="run-suggestions"' in editor_client.get(url).content.decode(), url


def test_the_desk_home_says_when_the_rules_last_ran(
    editor_client, editor, django_capture_on_commit_callbacks
):
    page = editor_client.get(reverse("admin:index")).content.decode()
    assert "The rules have not run yet." in page

    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(reverse("admin:talks_contradictionsuggestion_run"))
    assert "Queued since" in editor_client.get(reverse("admin:index")).content.decode()
    run_queued_tasks()

    page = editor_client.get(reverse("admin:index")).content.decode()
    assert "Last run at" in page
    assert "by desk-editor over the whole desk, found 0: 0 new, 0 updated, 0 withdrawn" in page


def test_every_list_keeps_its_deleted_records_link_beside_its_own_buttons(editor_client):
    page = editor_client.get(reverse("admin:talks_claim_changelist")).content.decode()
    assert "Deleted claims" in page
    assert "Add claim" in page


# --- Recording a claim from an article -------------------------------------------------------


def test_recording_writes_every_row_with_the_editor_and_the_reason(editor):
    meeting_person = make_person(name="Rustem Umerov")

    recorded = record_claim(
        text="Umerov said the talks would resume in Geneva.",
        new_source=NewSource(url="https://example.org/geneva?utm_source=x", title="Talks resume"),
        quote="The talks will resume in Geneva",
        location="paragraph 2",
        new_claimant_name="Andriy Yermak",
        claimant_label="the head of the presidential office",
        subjects=[meeting_person],
        statements=[
            Statement(kind=Statement.Kind.ATTENDED, person=meeting_person, meeting=make_meeting())
        ],
        user=editor,
        reason="From the morning briefing",
    )

    claim = recorded.claim
    assert (recorded.source_created, recorded.claimant_created) == (True, True)
    assert claim.claimant.name == "Andriy Yermak"
    assert recorded.source.url == "https://example.org/geneva"
    assert Citation.objects.get(claim=claim).quote == "The talks will resume in Geneva"
    assert ClaimSubject.objects.get(claim=claim).person == meeting_person
    assert claim.statements.get().kind == Statement.Kind.ATTENDED
    assert len(recorded.rows) == 6  # source, person, claim, citation, subject, statement
    for row in recorded.rows:
        record = row.history.get()
        assert (record.history_user, record.history_change_reason) == (
            editor,
            "From the morning briefing",
        ), type(row)


def test_recording_uses_the_source_already_on_record_at_the_url(editor):
    source = make_source(url="https://example.org/a")

    recorded = record_claim(
        text="A claim.",
        new_source=NewSource(url="https://EXAMPLE.org/a/", title="ignored"),
        quote="A claim.",
        user=editor,
        reason="",
    )

    assert (recorded.source, recorded.source_created) == (source, False)
    assert Source.objects.count() == 1


def test_a_refused_recording_leaves_nothing_behind(as_role):
    contributor = as_role("Contributor").user

    with pytest.raises(RecordRefused, match="Only a chief editor can publish"):
        record_claim(
            text="A claim.",
            new_source=NewSource(url="https://example.org/b", title="B"),
            new_claimant_name="Someone New",
            quote="A claim.",
            status=Claim.Status.PUBLISHED,
            user=contributor,
            reason="",
        )

    assert not Source.objects.exists()
    assert not Person.objects.exists()
    assert not Claim.objects.exists()


def test_the_record_page_records_a_claim_with_a_statement(editor_client):
    person, principal = make_person(name="Steve Witkoff"), make_person(name="Donald Trump")
    url = reverse("admin:talks_claim_record")
    assert editor_client.get(url).status_code == 200

    response = editor_client.post(
        url,
        {
            "new_source_url": "https://example.org/witkoff",
            "new_source_title": "Witkoff in Moscow",
            "new_source_kind": "news_article",
            "text": "Witkoff met Putin for five hours.",
            "claimant": person.pk,
            "quote": "met for five hours",
            "relation": "originates",
            "status": "draft",
            "statements-TOTAL_FORMS": "2",
            "statements-INITIAL_FORMS": "0",
            "statements-0-kind": "acts_for",
            "statements-0-person": person.pk,
            "statements-0-on_behalf_of": principal.pk,
            "statements-0-date": "2025-12-02",
            "change_reason": "",
        },
    )

    claim = Claim.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:talks_claim_change", args=[claim.pk])
    assert (
        str(claim.statements.get()) == "Steve Witkoff acts on behalf of Donald Trump on 02 Dec 2025"
    )
    assert claim.history.get().history_change_reason == "Recorded from an article in the admin"


def test_the_record_page_puts_each_problem_beside_its_field(editor_client):
    response = editor_client.post(
        reverse("admin:talks_claim_record"),
        {
            "text": "A claim.",
            "quote": "",
            "new_source_url": "https://example.org/c",
            "new_source_kind": "news_article",
            "relation": "repeats",
            "status": "draft",
            "statements-TOTAL_FORMS": "2",
            "statements-INITIAL_FORMS": "0",
            "statements-0-kind": "meeting_place",
        },
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["new_source_title"] == ["A new source needs its title."]
    assert "quote" in form.errors
    assert response.context["statements"].forms[0].errors["kind"] == [
        "A meeting's place names the meeting and the place, and nothing else."
    ]
    assert not Claim.objects.exists()


# --- Labels ----------------------------------------------------------------------------------


def test_autocomplete_names_a_claim_by_its_words_claimant_and_date(editor_client):
    make_claim(
        text="The Ukrainian delegation in Miami was led by NSDC Secretary Rustem Umerov.",
        claimant_label="The article itself",
        claimed_on="2025-12-05",
    )

    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "Umerov",
            "app_label": "talks",
            "model_name": "contradiction",
            "field_name": "claim_a",
        },
    )

    assert [result["text"] for result in response.json()["results"]] == [
        "“The Ukrainian delegation in Miami was led by NSDC Secretary Rustem Umerov.” — "
        "The article itself · 5 Dec 2025"
    ]


# --- View on site ----------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "shown"), [("draft", False), ("published", True)])
def test_view_on_site_only_for_a_claim_readers_can_see(editor_client, status, shown):
    claim = make_claim(text="A claim.", status=status, verdict="accurate")

    page = editor_client.get(reverse("admin:talks_claim_change", args=[claim.pk]))

    assert ("View on site" in page.content.decode()) is shown


# --- History -------------------------------------------------------------------------------


def test_the_claims_timeline_has_its_citations_and_word_level_changes(editor_client):
    claim = make_claim(text="The talks lasted five hours.", status="in_review")
    Citation.objects.create(claim=claim, source=make_source(title="Readout"), quote="five hours")
    claim.text = "The talks lasted nearly five hours."
    claim.verdict = "accurate"
    claim.save()

    page = editor_client.get(reverse("admin:talks_claim_history", args=[claim.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert '<ins class="diff">nearly </ins>' in html
    assert "Citation added" in html
    assert "Accurate" in html  # the verdict by its label
    assert [entry.subject for entry in page.context["entries"]] == ["", "citation", ""]


def test_two_versions_side_by_side(editor_client):
    claim = make_claim(text="Talks in Miami.")
    claim.text = "Talks in Miami, Florida."
    claim.save()
    first, second = claim.history.order_by("history_date")

    page = editor_client.get(
        reverse("admin:talks_claim_history_compare", args=[claim.pk]),
        {"from": second.history_id, "to": first.history_id},
    )

    assert page.status_code == 200
    assert '<ins class="diff">, Florida</ins>' in page.content.decode()
    assert page.context["older"] == first


def test_the_revert_page_says_what_will_change(editor_client):
    claim = make_claim(text="Talks in Miami.")
    first = claim.history.get()
    claim.verdict = "false"
    claim.save()

    page = editor_client.get(
        reverse("admin:talks_claim_simple_history", args=[claim.pk, first.history_id])
    )

    html = page.content.decode()
    assert "What reverting will change" in html
    assert [(label, now, then) for label, now, then, *_ in page.context["revert_changes"]] == [
        ("Verdict", "False", "—")
    ]
    assert '<ol class="breadcrumbs">' in html and "Historical claims" not in html


def test_the_desk_home_costs_the_same_number_of_queries_with_more_work_waiting(editor_client):
    def queries_for_the_home():
        with CaptureQueriesContext(connection) as captured:
            assert editor_client.get(reverse("admin:index")).status_code == 200
        return len(captured)

    claimant = make_person(name="Rustem Umerov")
    for n in range(3):
        make_claim(text=f"Claim {n} in review.", status="in_review", claimant=claimant)
    queries_for_the_home()  # the first also caches the content types
    few = queries_for_the_home()
    for n in range(20):
        claim = make_claim(text=f"Another claim {n} in review.", status="in_review")
        Contradiction.objects.create(claim_a=claim, claim_b=make_claim(), kind="date")
    assert queries_for_the_home() == few
