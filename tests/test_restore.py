"""A deleted claim, source, person or meeting comes back whole, and the restore is in history."""

import datetime

import pytest
from django.urls import reverse

from sources.models import SourceBasis
from talks.models import Citation, Claim, ClaimSubject, Contradiction, Person, Role, RoleCitation

from .conftest import make_claim, make_person, make_source, rewriting_history
from .logins import log_in_verified

pytestmark = pytest.mark.django_db


def delete_in_admin(client, obj):
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302


def restore_in_admin(client, model, pk, reason=""):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_restore", args=[pk])
    return client.post(url, {"reason": reason}, follow=True)


def test_a_deleted_claim_comes_back_with_its_citations_subjects_and_contradictions(
    editor_client, editor
):
    source = make_source(title="Suspilne report")
    person = make_person(name="Rustem Umerov")
    claim = make_claim(text="Umerov led the delegation.", claimant=person)
    other = make_claim(text="Someone else led the delegation.")
    Citation.objects.create(claim=claim, source=source, quote="led by Umerov", location="p. 6")
    ClaimSubject.objects.create(claim=claim, person=person)
    Contradiction.objects.create(claim_a=claim, claim_b=other, kind="role")
    claim_pk = claim.pk
    delete_in_admin(editor_client, claim)
    assert not Claim.objects.filter(pk=claim_pk).exists()
    assert not Citation.objects.exists() and not Contradiction.objects.exists()

    deleted_page = editor_client.get(reverse("admin:talks_claim_deleted"))
    assert "Umerov led the delegation." in deleted_page.content.decode()

    response = restore_in_admin(editor_client, Claim, claim_pk, reason="Deleted by mistake")

    assert "Restored" in response.content.decode()
    restored = Claim.objects.get(pk=claim_pk)
    assert restored.text == "Umerov led the delegation."
    assert restored.claimant == person
    citation = restored.citations.get()
    assert (citation.quote, citation.location, citation.source) == ("led by Umerov", "p. 6", source)
    assert list(restored.subjects.values_list("person__name", flat=True)) == ["Rustem Umerov"]
    assert Contradiction.objects.involving(restored).get().claim_b == other
    for model, pk in [(Claim, claim_pk), (Citation, citation.pk)]:
        record = model.history.filter(id=pk).first()
        assert record.history_type == "+"
        assert record.history_user == editor
        assert record.history_change_reason == "Deleted by mistake"
    assert (
        "Umerov led" not in editor_client.get(reverse("admin:talks_claim_deleted")).content.decode()
    )


def test_a_deleted_person_comes_back_with_roles_and_the_roles_sources(editor_client):
    person = make_person(name="Steve Witkoff")
    source = make_source()
    role = Role.objects.create(person=person, title="Special Envoy")
    RoleCitation.objects.create(role=role, source=source, quote="Special Envoy Witkoff")
    person_pk = person.pk
    delete_in_admin(editor_client, person)

    restore_in_admin(editor_client, Person, person_pk)

    restored_role = Person.objects.get(pk=person_pk).roles.get()
    assert restored_role.citations.get().quote == "Special Envoy Witkoff"


def test_a_deleted_source_comes_back_with_what_it_rests_on(editor_client):
    article = make_source(title="Article")
    agency = make_source(title="Agency report")
    SourceBasis.objects.create(source=article, basis=agency)
    article_pk = article.pk
    delete_in_admin(editor_client, article)

    restore_in_admin(editor_client, type(article), article_pk)

    assert SourceBasis.objects.get().source_id == article_pk


def test_a_citation_deleted_long_before_its_claim_stays_deleted(editor_client):
    claim = make_claim()
    early = Citation.objects.create(claim=claim, source=make_source(), quote="old quote")
    early_pk = early.pk
    early.delete()
    with rewriting_history():
        Citation.history.filter(id=early_pk).update(
            history_date=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
        )
    claim_pk = claim.pk
    delete_in_admin(editor_client, claim)

    restore_in_admin(editor_client, Claim, claim_pk)

    assert not Citation.objects.filter(pk=early_pk).exists()


def test_restoring_an_object_that_exists_is_refused_with_a_message(editor_client):
    claim = make_claim()

    response = restore_in_admin(editor_client, Claim, claim.pk)

    assert "There is no deleted claim with id" in response.content.decode()
    assert claim.history.count() == 1


def test_restoring_needs_the_right_to_delete(client, django_user_model):
    reporter = django_user_model.objects.create_user("reporter", password="pw", is_staff=True)
    log_in_verified(client, reporter)
    claim = make_claim()
    claim_pk = claim.pk
    claim.delete()

    assert client.get(reverse("admin:talks_claim_deleted")).status_code == 403
    assert restore_in_admin(client, Claim, claim_pk).status_code == 403
    assert not Claim.objects.filter(pk=claim_pk).exists()


# --- What cannot come back is named, never a server error (PostgreSQL checks the deferred ----
# --- foreign keys only at commit, past any code that would skip the row) ----------------------


def test_a_claim_whose_claimant_is_gone_is_refused_naming_the_claimant(editor_client):
    person = make_person(name="Rustem Umerov")
    claim = make_claim(text="Umerov led the delegation.", claimant=person)
    claim_pk = claim.pk
    delete_in_admin(editor_client, claim)
    delete_in_admin(editor_client, person)

    response = restore_in_admin(editor_client, Claim, claim_pk)

    assert response.status_code == 200
    message = "This claim cannot come back as it was: its claimant (#"
    assert message in response.content.decode()
    assert not Claim.objects.filter(pk=claim_pk).exists()


def test_a_citation_whose_source_is_gone_is_left_out_and_named(editor_client):
    source = make_source(title="Suspilne report")
    claim = make_claim(text="Umerov led the delegation.")
    citation = Citation.objects.create(claim=claim, source=source, quote="led by Umerov")
    kept = Citation.objects.create(claim=claim, source=make_source(), quote="Umerov led")
    claim_pk, citation_pk = claim.pk, citation.pk
    delete_in_admin(editor_client, claim)
    delete_in_admin(editor_client, source)

    response = restore_in_admin(editor_client, Claim, claim_pk)

    page = response.content.decode()
    assert "Restored “Umerov led the delegation.”, with 1 linked row(s)." in page
    assert f"Not restored: the citation “#{citation_pk}”: its source (#{source.pk}) is deleted" in (
        page
    )
    assert list(Claim.objects.get(pk=claim_pk).citations.all()) == [kept]
