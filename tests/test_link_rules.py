"""The rows of a published claim (its citations, the people it is about, its statements) obey
the claim's own rule on every path: their own admin pages, the claim's inlines, bulk delete and
restore. A contributor may not touch them; a change to a quote is a correction readers see.
"""

import datetime

import pytest
from django.urls import reverse

from talks.models import Citation, ClaimSubject, Statement

from .admin_forms import assert_saved, changeform_data, inline_prefix, inline_row_index
from .conftest import make_claim, make_meeting, make_person, make_source

pytestmark = pytest.mark.django_db

QUOTE = "Witkoff and Putin spoke for nearly five hours."


def published(**fields):
    return make_claim(status="published", verdict="accurate", **fields)


def rows_of(claim):
    """One row of each kind of the claim's."""
    return [
        Citation.objects.create(claim=claim, source=make_source(), quote=QUOTE),
        ClaimSubject.objects.create(claim=claim, person=make_person()),
        Statement.objects.create(
            claim=claim,
            kind="meeting_date",
            meeting=make_meeting(),
            date=datetime.date(2025, 12, 2),
        ),
    ]


def url(obj, view, *args):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args or [obj.pk])


def test_a_contributor_cannot_change_a_published_claims_quote_on_the_citation_page(client, as_role):
    editor, contributor = as_role("Editor"), as_role("Contributor")
    claim = published(text="The Kremlin meeting lasted five hours.")
    citation = rows_of(claim)[0]
    data = changeform_data(editor.get(url(citation, "change")))
    data.update(quote="FABRICATED QUOTE", change_reason="typo")

    page = contributor.get(url(citation, "change")).content.decode()
    response = contributor.post(url(citation, "change"), data)

    assert 'name="_save"' not in page
    assert response.status_code == 403
    citation.refresh_from_db()
    assert citation.quote == QUOTE
    assert "FABRICATED" not in client.get(claim.get_absolute_url()).content.decode()


@pytest.mark.parametrize("kind", [Citation, ClaimSubject, Statement], ids=lambda m: m.__name__)
def test_a_contributor_cannot_change_delete_or_bulk_delete_a_published_claims_rows(as_role, kind):
    contributor = as_role("Contributor")
    row = next(row for row in rows_of(published()) if isinstance(row, kind))

    change = contributor.post(url(row, "change"), {})
    delete = contributor.post(url(row, "delete"), {"post": "yes"})
    bulk = contributor.post(
        reverse(f"admin:talks_{kind._meta.model_name}_changelist"),
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )

    assert (change.status_code, delete.status_code, bulk.status_code) == (403, 403, 403)
    assert kind.objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("kind", [Citation, ClaimSubject, Statement], ids=lambda m: m.__name__)
def test_a_contributor_cannot_add_a_row_to_a_published_claim_on_its_own_page(as_role, kind):
    contributor = as_role("Contributor")
    claim = published()
    fields = {
        Citation: {"source": make_source().pk, "quote": "Invented.", "relation": "origin"},
        ClaimSubject: {"person": make_person().pk},
        Statement: {"kind": "meeting_date", "meeting": make_meeting().pk, "date": "2025-12-02"},
    }[kind]
    add_url = reverse(f"admin:talks_{kind._meta.model_name}_add")
    data = changeform_data(contributor.get(add_url))
    data.update(claim=claim.pk, **fields)

    response = contributor.post(add_url, data)

    assert response.status_code == 200
    assert "is edited by editors only" in response.content.decode()
    assert not kind.objects.exists()


def test_a_contributor_still_edits_the_rows_of_a_draft(as_role):
    contributor = as_role("Contributor")
    citation = rows_of(make_claim())[0]
    data = changeform_data(contributor.get(url(citation, "change")))
    data["quote"] = "Nearly five hours, said Ushakov."

    assert_saved(contributor.post(url(citation, "change"), data))
    assert contributor.post(url(citation, "delete"), {"post": "yes"}).status_code == 302


def test_only_a_chief_editor_restores_a_claims_rows(as_role):
    contributor, chief = as_role("Contributor"), as_role("Chief editor")
    citation = rows_of(make_claim())[0]
    citation_pk = citation.pk
    citation.delete()

    listing = contributor.get(reverse("admin:talks_citation_deleted"))
    refused = contributor.post(url(citation, "restore", citation_pk))
    restored = chief.post(url(citation, "restore", citation_pk))

    assert (listing.status_code, refused.status_code, restored.status_code) == (403, 403, 302)
    assert Citation.objects.filter(pk=citation_pk).exists()


def test_a_changed_quote_of_a_published_claim_needs_a_reason_readers_then_see(client, as_role):
    editor = as_role("Editor")
    claim = published(text="The Kremlin meeting lasted five hours.")
    citation = rows_of(claim)[0]
    data = changeform_data(editor.get(url(citation, "change")))
    data["quote"] = "Witkoff and Putin spoke for almost five hours."

    refused = editor.post(url(citation, "change"), data)
    data["change_reason"] = "The readout says almost, not nearly"
    saved = editor.post(url(citation, "change"), data)

    assert "“The Kremlin meeting lasted five hours.” is published: say why a quote changes" in (
        refused.content.decode()
    )
    assert_saved(saved)
    public = client.get(claim.get_absolute_url()).content.decode()
    assert "The readout says almost, not nearly" in public
    assert QUOTE in public  # what the quote read before, in the corrections log


def test_a_quote_changed_inline_on_a_published_claim_needs_the_claims_reason(as_role):
    editor = as_role("Editor")
    claim = published()
    citation = rows_of(claim)[0]
    page = editor.get(url(claim, "change"))
    data = changeform_data(page)
    prefix = inline_prefix(page, Citation)
    data[f"{prefix}-{inline_row_index(data, prefix, citation)}-quote"] = "A changed quote."

    refused = editor.post(url(claim, "change"), data)
    data["change_reason"] = "The quote was cut short"
    saved = editor.post(url(claim, "change"), data)

    assert "is published: say why a quote changes" in refused.content.decode()
    assert_saved(saved)
    citation.refresh_from_db()
    assert citation.quote == "A changed quote."
    assert citation.history.latest().history_change_reason == "The quote was cut short"
