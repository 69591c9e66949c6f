"""Malformed input in the admin is refused with a page saying what is wrong, never a server
error: filters, ids, years, lookups, actions, uploads and logins."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from talks.models import Contradiction

from .conftest import make_claim, make_meeting, make_person
from .logins import log_in_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk_client(editor):
    """A signed-in editor whose server errors come back as responses, as a browser sees them."""
    client = Client(raise_request_exception=False)
    log_in_verified(client, editor)
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


@pytest.mark.parametrize(
    "path",
    [
        "/admin/talks/claim/abc/history/",
        "/admin/talks/claim/1.5/history/compare/",
        "/admin/talks/person/abc/history/abc/",
        f"/admin/talks/claim/{'9' * 25}/history/",
    ],
)
def test_a_history_page_of_an_id_no_record_can_have_is_not_found(desk_client, path):
    assert desk_client.get(path).status_code == 404


def test_a_version_that_is_no_number_is_not_found(desk_client):
    claim = make_claim()

    response = desk_client.get(f"/admin/talks/claim/{claim.pk}/history/abc/")

    assert response.status_code == 404


def test_an_action_on_a_selection_naming_no_row_is_refused_with_a_message(desk_client):
    make_claim(), make_claim()

    response = desk_client.post(
        reverse("admin:talks_claim_changelist"),
        {"action": "flag_as_contradiction", "index": "0", "_selected_action": ["abc", "1"]},
        follow=True,
    )

    assert response.status_code == 200
    assert "The selection names no row of this list" in response.content.decode()


def test_flagging_against_a_claim_that_is_no_id_is_a_form_error(desk_client):
    claim = make_claim()

    response = desk_client.post(
        reverse("admin:talks_claim_flag_contradiction", args=[claim.pk]),
        {"other_claim": "abc", "kind": "role", "note": "Cannot both hold."},
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_an_old_folder_in_the_upload_folder_does_not_break_an_upload(
    desk_client, settings, tmp_path
):
    settings.FIXTURE_UPLOAD_DIR = tmp_path
    old = tmp_path / "left-by-an-old-release"
    old.mkdir()
    os.utime(old, (0, 0))
    fixture = SimpleUploadedFile("desk.json", b"[]", content_type="application/json")

    response = desk_client.post(
        reverse("admin:talks_importrun_add"), {"fixture": fixture, "reason": "weekly batch"}
    )

    assert response.status_code == 200
    assert old.is_dir()


def test_a_login_with_a_username_longer_than_any_account_is_a_form_error(client):
    response = client.post(reverse("admin:login"), {"username": "x" * 300, "password": "guess"})

    assert response.status_code == 200
    assert "Ensure this value has at most 150 characters" in response.content.decode()


ELEVEN_WORDS = " ".join(f"word{n}" for n in range(11))


def test_an_admin_search_of_more_than_ten_words_is_refused(desk_client):
    response = desk_client.get(reverse("admin:talks_claim_changelist"), {"q": ELEVEN_WORDS})

    assert response.status_code == 400
    assert "Search for at most 10 words or phrases at a time." in response.content.decode()


def test_an_autocomplete_of_more_than_ten_words_is_refused(desk_client):
    response = desk_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "talks",
            "model_name": "contradiction",
            "field_name": "claim_a",
            "term": ELEVEN_WORDS,
        },
    )

    assert response.status_code == 400
    assert response.json() == {"error": "Search for at most 10 words or phrases at a time."}


@pytest.mark.parametrize("page", ["change", "delete"])
def test_an_empty_to_field_is_no_field_and_no_server_error(editor_client, page):
    claim = make_claim()
    response = editor_client.get(f"/admin/talks/claim/{claim.pk}/{page}/?_to_field=")
    assert response.status_code == 200
