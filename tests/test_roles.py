"""Each editorial role can do exactly its steps in the admin, and is told why when it cannot."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from talks.models import Claim, Contradiction
from talks.models.contradictions import ContradictionRefused
from talks.services import contradictions as decisions

from .admin_forms import assert_saved, changeform_data
from .conftest import make_claim

pytestmark = pytest.mark.django_db


def change_url(claim):
    return reverse("admin:talks_claim_change", args=[claim.pk])


def edit_claim(client, claim, **changes):
    data = changeform_data(client.get(change_url(claim)))
    data.update(changes)
    return client.post(change_url(claim), data)


def refused_with(response, message):
    assert response.status_code == 200, "the form was saved"
    assert message in response.content.decode()


def test_the_three_roles_exist_as_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "Contributor",
        "Editor",
        "Chief editor",
    }


def test_a_contributor_drafts_and_submits_for_review(as_role):
    contributor = as_role("Contributor")
    add_url = reverse("admin:talks_claim_add")
    data = changeform_data(contributor.get(add_url))
    data.update(text="Umerov will fly to Miami on Sunday.", status="draft")
    assert_saved(contributor.post(add_url, data))

    claim = Claim.objects.get(text="Umerov will fly to Miami on Sunday.")
    assert_saved(edit_claim(contributor, claim, status="in_review"))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"verdict": "false"}, "Only an editor can set a claim&#x27;s verdict."),
        ({"status": "published", "verdict": "false"}, "Only a chief editor can publish"),
    ],
)
def test_a_contributor_cannot_set_verdicts_or_publish(as_role, changes, message):
    claim = make_claim(text="A draft claim.")

    refused_with(edit_claim(as_role("Contributor"), claim, **changes), message)

    claim.refresh_from_db()
    assert (claim.status, claim.verdict) == ("draft", "")


def test_a_contributor_sees_a_published_claim_read_only(as_role):
    claim = make_claim(text="Published.", status="published", verdict="accurate")
    contributor = as_role("Contributor")

    page = contributor.get(change_url(claim)).content.decode()
    response = contributor.post(change_url(claim), {"text": "Changed by a contributor."})

    assert 'name="_save"' not in page
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.text == "Published."


def test_a_contributor_can_flag_but_not_decide_a_contradiction(as_role):
    contributor = as_role("Contributor")
    first, second = make_claim(), make_claim()
    add_url = reverse("admin:talks_contradiction_add")
    data = changeform_data(contributor.get(add_url))
    data.update(claim_a=first.pk, claim_b=second.pk, kind="role", note="Cannot both hold.")
    assert_saved(contributor.post(add_url, data))

    contradiction = Contradiction.objects.get()
    change = reverse("admin:talks_contradiction_change", args=[contradiction.pk])
    assert contributor.post(change, {"status": "dismissed"}).status_code == 403


@pytest.mark.parametrize("role", ["Contributor", "Editor"])
def test_only_a_chief_editor_deletes_and_restores(as_role, role):
    client = as_role(role)
    claim = make_claim()

    delete = client.post(reverse("admin:talks_claim_delete", args=[claim.pk]), {"post": "yes"})
    bulk = client.post(
        reverse("admin:talks_claim_changelist"),
        {"action": "delete_selected", "_selected_action": [claim.pk], "post": "yes"},
    )
    deleted_list = client.get(reverse("admin:talks_claim_deleted"))

    assert delete.status_code == 403
    assert bulk.status_code in (200, 302) and Claim.objects.filter(pk=claim.pk).exists()
    assert deleted_list.status_code == 403


def test_an_editor_sets_verdicts_and_edits_published_claims_but_does_not_publish(as_role):
    editor = as_role("Editor")
    draft = make_claim(text="Draft under review.")
    published = make_claim(text="Published.", status="published", verdict="accurate")

    assert_saved(edit_claim(editor, draft, status="in_review", verdict="misleading"))
    assert_saved(edit_claim(editor, published, text="Published, corrected.", change_reason="typo"))
    refused_with(edit_claim(editor, draft, status="published"), "Only a chief editor can publish")

    draft.refresh_from_db()
    assert (draft.status, draft.verdict) == ("in_review", "misleading")


def test_a_chief_editor_publishes_retracts_and_deletes(as_role):
    chief = as_role("Chief editor")
    claim = make_claim(text="Ready.", status="in_review", verdict="accurate")

    assert_saved(edit_claim(chief, claim, status="published"))
    assert_saved(edit_claim(chief, claim, status="retracted", change_reason="Source withdrew it"))
    response = chief.post(reverse("admin:talks_claim_delete", args=[claim.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Claim.objects.filter(pk=claim.pk).exists()
    assert chief.get(reverse("admin:talks_claim_deleted")).status_code == 200


# --- Contradiction decisions, on the service every path goes through, and in the admin -------


@pytest.fixture
def open_contradiction():
    return Contradiction.objects.create(
        claim_a=make_claim(text="Biden's negotiators.", status="in_review"),
        claim_b=make_claim(text="Trump's envoy.", status="in_review"),
        kind="role",
    )


def user_in(django_user_model, role):
    user = django_user_model.objects.create_user(role.lower().replace(" ", "-"), password="pw")
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.mark.parametrize(
    ("role", "step"),
    [
        ("Contributor", lambda c, u: decisions.confirm_contradiction(c, user=u, reason="x")),
        ("Contributor", lambda c, u: decisions.dismiss_contradiction(c, user=u, reason="x")),
        ("Editor", lambda c, u: resolve(c, u)),
    ],
    ids=["contributor confirms", "contributor dismisses", "editor resolves"],
)
def test_decisions_beyond_the_role_are_refused(django_user_model, open_contradiction, role, step):
    user = user_in(django_user_model, role)

    with pytest.raises(ContradictionRefused, match="Your role does not allow you to"):
        step(open_contradiction, user)

    open_contradiction.refresh_from_db()
    assert open_contradiction.status == "open"
    assert open_contradiction.history.count() == 1


def resolve(contradiction, user, **verdict):
    return decisions.resolve_contradiction(
        contradiction,
        prevailing_claim=contradiction.claim_b,
        resolution_note="Trump is president in December 2025.",
        user=user,
        reason="Resolved",
        **verdict,
    )


def test_an_editor_confirms_and_a_chief_editor_resolves(django_user_model, open_contradiction):
    decisions.confirm_contradiction(
        open_contradiction, user=user_in(django_user_model, "Editor"), reason="Both in print"
    )
    resolved = resolve(
        open_contradiction, user_in(django_user_model, "Chief editor"), verdict="false"
    )

    assert resolved.status == "resolved"
    assert Claim.objects.get(text="Biden's negotiators.").verdict == "false"


def test_the_contradiction_page_offers_only_the_decisions_of_the_role(as_role, open_contradiction):
    page_url = reverse("admin:talks_contradiction_change", args=[open_contradiction.pk])

    editor_page = as_role("Editor").get(page_url).content.decode()
    chief_page = as_role("Chief editor").get(page_url).content.decode()

    confirm_url = reverse("admin:talks_contradiction_confirm", args=[open_contradiction.pk])
    resolve_url = reverse("admin:talks_contradiction_resolve", args=[open_contradiction.pk])
    assert confirm_url in editor_page and resolve_url not in editor_page
    assert confirm_url in chief_page and resolve_url in chief_page


def test_a_contributor_may_not_import_and_an_editor_may(django_user_model, tmp_path):
    from talks.exchange import ImportFailed, import_fixtures

    fixture = tmp_path / "people.json"
    fixture.write_text(
        '[{"model": "talks.person", "fields": {"slug": "new-envoy", "name": "New Envoy"}}]'
    )

    with pytest.raises(ImportFailed) as refused:
        import_fixtures([fixture], user=user_in(django_user_model, "Contributor"))
    assert "Your role does not allow importing" in str(refused.value.result.problems[0])

    result = import_fixtures([fixture], user=user_in(django_user_model, "Editor"))
    assert result.counts["talks.person"]["created"] == 1


def test_a_contributor_adds_statements_to_a_draft(as_role):
    page = as_role("Contributor").get(reverse("admin:talks_statement_add"))

    assert page.status_code == 200


def test_only_a_chief_editor_imports_published_claims(django_user_model, tmp_path):
    from talks.exchange import ImportFailed, import_fixtures

    fixture = tmp_path / "claims.json"
    fixture.write_text(
        '[{"model": "talks.claim", "fields": {"slug": "imported", "text": "Imported.",'
        ' "status": "published", "verdict": "accurate",'
        ' "published_at": "2025-12-05T18:00:00Z"}}]'
    )

    with pytest.raises(ImportFailed) as refused:
        import_fixtures([fixture], user=user_in(django_user_model, "Editor"))
    problem = refused.value.result.problems[0]
    assert (problem.file, problem.number, problem.line) == (str(fixture), 1, 1)
    assert problem.message == "Only a chief editor can publish or retract a claim."
    assert not Claim.objects.exists()

    import_fixtures([fixture], user=user_in(django_user_model, "Chief editor"))
    assert Claim.objects.get().status == "published"


def test_only_editors_run_the_suggestion_rules_and_see_the_button(as_role):
    from talks.services.suggestion_runs import SuggestionRunRefused, refresh_suggestions

    contributor, editor = as_role("Contributor"), as_role("Editor")
    run_url = reverse("admin:talks_contradictionsuggestion_run")
    pages = [reverse("admin:index"), reverse("admin:talks_contradictionsuggestion_changelist")]

    for page in pages:
        assert 'id="run-suggestions"' not in contributor.get(page).content.decode(), page
        assert 'id="run-suggestions"' in editor.get(page).content.decode(), page
    assert contributor.post(run_url).status_code == 403
    assert editor.post(run_url).status_code == 302
    with pytest.raises(SuggestionRunRefused, match="does not allow you to run the suggestion"):
        refresh_suggestions(user=contributor.user)
