"""Two editors on one claim: the later save never silently overwrites the earlier one.

And a published claim's text or verdict changes only with a reason, which readers see.
"""

import threading
import time

import pytest
from django.db import connection, connections
from django.db.models.signals import post_save
from django.test import Client
from django.urls import reverse

from talks.models import Claim

from .admin_forms import assert_saved, changeform_data
from .conftest import make_claim
from .logins import log_in_verified


def change_url(claim):
    return reverse("admin:talks_claim_change", args=[claim.pk])


@pytest.fixture
def second_editor(django_user_model):
    return django_user_model.objects.create_superuser("second-editor", "two@example.org", "pw")


@pytest.mark.django_db
def test_a_stale_form_is_refused_and_shows_what_the_other_editor_changed(
    editor_client, second_editor
):
    claim = make_claim(text="Talks resumed in Geneva.", verdict_rationale="")
    first_form = changeform_data(editor_client.get(change_url(claim)))

    other = Client()
    log_in_verified(other, second_editor)
    other_form = changeform_data(other.get(change_url(claim)))
    other_form.update(verdict="misleading", change_reason="Geneva readout says otherwise")
    assert_saved(other.post(change_url(claim), other_form))

    first_form.update(text="Talks resumed in Geneva on Monday.")
    response = editor_client.post(change_url(claim), first_form)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else saved this claim after you opened it" in page
    assert "second-editor" in page
    assert "Geneva readout says otherwise" in page
    assert "verdict" in page
    assert "Talks resumed in Geneva on Monday." in page  # the editor's input is kept
    claim.refresh_from_db()
    assert claim.text == "Talks resumed in Geneva."
    assert claim.verdict == "misleading"


@pytest.mark.django_db
def test_saving_again_after_the_warning_overwrites_knowingly(editor_client, second_editor):
    claim = make_claim(text="Talks resumed in Geneva.")
    first_form = changeform_data(editor_client.get(change_url(claim)))
    claim.text = "Talks resumed in Geneva (edited elsewhere)."
    claim.save()

    first_form.update(text="Talks resumed in Geneva on Monday.")
    refused = editor_client.post(change_url(claim), first_form)
    assert refused.status_code == 200

    assert_saved(editor_client.post(change_url(claim), changeform_data(refused)))
    claim.refresh_from_db()
    assert claim.text == "Talks resumed in Geneva on Monday."


@pytest.mark.django_db
def test_changing_a_published_claim_needs_a_reason(editor_client):
    claim = make_claim(
        text="The meeting lasted five hours.", status="published", verdict="accurate"
    )
    form = changeform_data(editor_client.get(change_url(claim)))
    form.update(verdict="mostly_accurate")

    response = editor_client.post(change_url(claim), form)

    assert response.status_code == 200
    assert "“The meeting lasted five hours.” is published: say why" in response.content.decode()
    claim.refresh_from_db()
    assert claim.verdict == "accurate"

    form.update(change_reason="The Kremlin gave the length as nearly five hours")
    assert_saved(editor_client.post(change_url(claim), form))
    record = claim.history.first()
    assert record.verdict == "mostly_accurate"
    assert record.history_change_reason == "The Kremlin gave the length as nearly five hours"


@pytest.mark.django_db
def test_a_draft_changes_without_a_reason(editor_client):
    claim = make_claim(text="A draft.")
    form = changeform_data(editor_client.get(change_url(claim)))
    form.update(text="A better draft.")

    assert_saved(editor_client.post(change_url(claim), form))


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL; SQLite locks the file"
)
@pytest.mark.django_db(transaction=True)
def test_two_saves_racing_in_separate_sessions_cannot_both_win(django_user_model):
    """The first save holds the row while the second, from the same version, arrives."""
    claim = make_claim(text="Original text.")
    editors = [
        django_user_model.objects.create_superuser(name, f"{name}@example.org", "pw")
        for name in ("first", "second")
    ]
    clients = []
    for user in editors:
        client = Client()
        log_in_verified(client, user)
        clients.append(client)
    forms = [changeform_data(client.get(change_url(claim))) for client in clients]
    forms[0].update(text="First editor's text.")
    forms[1].update(text="Second editor's text.")

    first_saved = threading.Event()

    def hold_the_first_save(sender, instance, **kwargs):
        if instance.text == "First editor's text.":
            first_saved.set()
            time.sleep(1.0)  # the row stays locked until the first transaction commits

    statuses = {}

    def submit(index):
        try:
            if index == 1:
                first_saved.wait(timeout=10)
            statuses[index] = clients[index].post(change_url(claim), forms[index]).status_code
        finally:
            connections.close_all()

    post_save.connect(hold_the_first_save, sender=Claim)
    try:
        threads = [threading.Thread(target=submit, args=(i,)) for i in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        post_save.disconnect(hold_the_first_save, sender=Claim)

    assert statuses == {0: 302, 1: 200}
    claim.refresh_from_db()
    assert claim.text == "First editor's text."
    assert claim.history.filter(history_type="~").count() == 1
