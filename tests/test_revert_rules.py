"""The history revert obeys the rulebook: it is a change from the record as it stands to the
version's values, with the change page's permission, rules, reason and lost-update check.

Each test is one way the revert page once went around a rule (issue 13).
"""

import pytest
from django.urls import reverse

from talks.exchange import import_fixtures
from talks.models import Claim, Contradiction, ContradictionSuggestion, ImportRun

from .admin_forms import changeform_data
from .conftest import make_claim

pytestmark = pytest.mark.django_db


def version_url(obj, version):
    opts = obj._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history",
        args=[version.id, version.history_id],
    )


def first_version(obj):
    return obj.history.order_by("history_date", "history_id").first()


def revert(client, obj, version, form_from=None, **changes):
    """POST the revert to ``version`` as ``client``, with the form as ``form_from`` (a client
    who may revert, by default ``client``) sees it, and ``changes`` on top."""
    url = version_url(obj, version)
    data = changeform_data((form_from or client).get(url))
    data.update(changes)
    return client.post(url, data)


def published_claim(chief):
    """A claim drafted, then published by the chief editor."""
    claim = make_claim(text="Witkoff met Putin for five hours.")
    claim.status, claim.verdict = Claim.Status.PUBLISHED, Claim.Verdict.ACCURATE
    claim._history_user = chief
    claim.save()
    return claim


def test_a_contributor_cannot_unpublish_a_claim_by_reverting_to_its_draft(client, as_role):
    chief, contributor = as_role("Chief editor"), as_role("Contributor")
    claim = published_claim(chief.user)
    public_url = claim.get_absolute_url()
    draft = first_version(claim)

    page = contributor.get(version_url(claim, draft))
    response = revert(contributor, claim, draft, form_from=chief, change_reason="undo")

    assert page.status_code == 200 and 'value="Revert"' not in page.content.decode()
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PUBLISHED
    assert client.get(public_url).status_code == 200


def test_a_contributor_cannot_rewrite_a_published_claims_text_and_slug_by_revert(as_role):
    chief, contributor = as_role("Chief editor"), as_role("Contributor")
    claim = published_claim(chief.user)

    response = revert(
        contributor,
        claim,
        first_version(claim),
        form_from=chief,
        text="FABRICATED",
        slug="fabricated",
        status="published",
        verdict="accurate",
    )

    assert response.status_code == 403
    claim.refresh_from_db()
    assert (claim.text, claim.slug) == (
        "Witkoff met Putin for five hours.",
        "witkoff-met-putin-for-five-hours",
    )


def test_an_editor_cannot_unretract_a_claim_by_revert(as_role):
    chief, editor = as_role("Chief editor"), as_role("Editor")
    claim = published_claim(chief.user)
    published = claim.history.latest()
    claim.status = Claim.Status.RETRACTED
    claim.save()

    response = revert(editor, claim, published, change_reason="It holds after all")

    assert "Only a chief editor can publish or retract a claim." in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == Claim.Status.RETRACTED


def resolved_contradiction(chief):
    contradiction = Contradiction.objects.create(
        claim_a=make_claim(text="Biden's negotiators."),
        claim_b=make_claim(text="Trump's envoy."),
        kind="role",
    )
    contradiction.status = Contradiction.Status.RESOLVED
    contradiction.prevailing_claim = contradiction.claim_b
    contradiction.resolution_note = "Trump is president in December 2025."
    contradiction.resolved_by = chief
    contradiction.save()
    return contradiction


def test_an_editor_cannot_undo_a_chiefs_resolution_by_revert(as_role):
    chief, editor = as_role("Chief editor"), as_role("Editor")
    contradiction = resolved_contradiction(chief.user)

    response = revert(editor, contradiction, first_version(contradiction), change_reason="no")

    assert "Only a chief editor can resolve a contradiction or undo its resolution." in (
        response.content.decode()
    )
    contradiction.refresh_from_db()
    assert (contradiction.status, contradiction.resolved_by) == ("resolved", chief.user)


def test_a_chief_editor_undoes_a_resolution_by_revert(as_role):
    chief = as_role("Chief editor")
    contradiction = resolved_contradiction(chief.user)

    response = revert(chief, contradiction, first_version(contradiction), change_reason="Too soon")

    assert response.status_code == 302
    contradiction.refresh_from_db()
    assert (contradiction.status, contradiction.resolved_by) == ("open", None)
    assert contradiction.history.latest().history_change_reason == "Too soon"


def test_a_contributor_cannot_revert_a_confirmed_contradiction_to_open(as_role):
    editor, contributor = as_role("Editor"), as_role("Contributor")
    contradiction = Contradiction.objects.create(
        claim_a=make_claim(), claim_b=make_claim(), kind="date"
    )
    contradiction.status = Contradiction.Status.CONFIRMED
    contradiction.save()

    response = revert(contributor, contradiction, first_version(contradiction), form_from=editor)

    assert response.status_code == 403
    contradiction.refresh_from_db()
    assert contradiction.status == Contradiction.Status.CONFIRMED


def test_a_suggestion_cannot_be_reverted_even_by_a_superuser(editor_client):
    suggestion = ContradictionSuggestion.objects.create(
        claim_a=make_claim(), claim_b=make_claim(), rule="role", explanation="Found."
    )
    url = version_url(suggestion, first_version(suggestion))
    data = {"status": "dismissed", "decided_at_0": "2025-12-05", "decided_at_1": "10:00"}

    page = editor_client.get(url)
    response = editor_client.post(url, data)

    assert page.status_code == 200 and 'value="Revert"' not in page.content.decode()
    assert response.status_code == 403
    suggestion.refresh_from_db()
    assert suggestion.status == "pending"


def test_an_import_run_cannot_be_reverted_even_by_a_superuser(editor_client, editor, tmp_path):
    fixture = tmp_path / "people.json"
    fixture.write_text('[{"model": "talks.person", "fields": {"slug": "envoy", "name": "Envoy"}}]')
    import_fixtures([fixture], user=editor, reason="First")
    run = ImportRun.objects.get()

    response = editor_client.post(version_url(run, first_version(run)), {"reason": "Rewritten"})

    assert response.status_code == 403
    run.refresh_from_db()
    assert run.reason == "First"


def test_a_deleted_claim_comes_back_only_through_restore(editor_client):
    claim = make_claim(text="Deleted by the chief.")
    version = first_version(claim)
    url = version_url(claim, version)
    data = changeform_data(editor_client.get(url))
    claim.delete()

    page = editor_client.get(url)
    response = editor_client.post(url, data, follow=True)

    assert "it comes back only through Restore" in page.content.decode()
    assert 'value="Revert"' not in page.content.decode()
    assert "it comes back only through Restore" in response.content.decode()
    assert not Claim.objects.exists()


def test_reverting_a_published_claims_verdict_needs_a_reason_readers_then_see(client, as_role):
    chief = as_role("Chief editor")
    claim = published_claim(chief.user)
    accurate = claim.history.latest()
    claim.verdict = Claim.Verdict.FALSE
    claim.save()

    refused = revert(chief, claim, accurate)
    reverted = revert(chief, claim, accurate, change_reason="The second source confirmed it")

    assert "“Witkoff met Putin for five hours.” is published: say why" in (refused.content.decode())
    assert reverted.status_code == 302
    claim.refresh_from_db()
    assert claim.verdict == Claim.Verdict.ACCURATE
    public = client.get(claim.get_absolute_url()).content.decode()
    assert "The second source confirmed it" in public


def test_a_revert_refuses_to_overwrite_a_newer_save(as_role):
    editor = as_role("Editor")
    claim = make_claim(text="Talks in Miami.")
    first = first_version(claim)
    claim.text = "Talks in Miami, Florida."
    claim.save()
    url = version_url(claim, first)
    data = changeform_data(editor.get(url))
    claim.text = "Talks in Geneva."  # someone else saves meanwhile
    claim.save()

    response = editor.post(url, data)

    assert "Someone else saved this claim after you opened it." in response.content.decode()
    claim.refresh_from_db()
    assert claim.text == "Talks in Geneva."
