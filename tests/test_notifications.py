"""Signed notifications: a partner registered by a chief editor is told, from the worker, of
each claim published or corrected, with a signature it can check, and is asked again after
an answer that is not a success."""

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.db import transaction
from django.urls import reverse

from talks.exchange import import_fixtures
from talks.models import Delivery, Subscription

from .conftest import SEED_FIXTURE, make_claim
from .test_tasks import run_worker

pytestmark = pytest.mark.django_db


class Receiver:
    """A partner's endpoint on 127.0.0.1 that answers with ``answers`` in turn and keeps
    every request it gets."""

    def __init__(self, answers):
        self.answers, self.requests = list(answers), []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = receiver.answers.pop(0) if receiver.answers else 200
                receiver.requests.append((dict(self.headers), body, status))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)  # a port the system has free
        self.url = f"http://127.0.0.1:{self.server.server_port}/desk-hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    receivers = []

    def start(*answers):
        receivers.append(Receiver(answers))
        return receivers[-1]

    yield start
    for started in receivers:
        started.close()


def signed_by(secret, headers, body):
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(headers["X-Factdesk-Signature"], f"sha256={expected}")


@pytest.mark.django_db(transaction=True)  # queued when the write commits, run by the worker
def test_a_publication_reaches_the_receiver_signed_and_is_retried_after_a_500(receiver, settings):
    settings.FACTDESK_NOTIFICATION_RETRY_SECONDS = 0  # the retry is due at once
    partner = receiver(500, 200)
    subscription = Subscription.objects.create(name="Partner desk", url=partner.url)
    claim = make_claim(text="Umerov flew to Miami on Sunday.")
    assert Delivery.objects.count() == 0  # a draft tells nobody

    claim.status, claim.verdict = "published", "accurate"
    claim.save()
    run_worker()

    assert [status for _, _, status in partner.requests] == [500, 200]
    for headers, body, _ in partner.requests:
        assert signed_by(subscription.secret, headers, body)
        assert headers["X-Factdesk-Event"] == "claim.published"
    assert partner.requests[0][1] == partner.requests[1][1]  # the same bytes, signed once
    sent = json.loads(partner.requests[1][1])
    assert sent["event"] == "claim.published"
    assert sent["claim"]["slug"] == claim.slug
    assert sent["claim"]["api"].endswith(f"/api/v1/claims/{claim.slug}")

    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.DELIVERED
    assert [attempt["status"] for attempt in delivery.attempts] == [500, 200]
    assert not signed_by("another secret", *partner.requests[1][:2])


@pytest.mark.django_db(transaction=True)
def test_a_correction_is_sent_with_its_reason_and_a_rolled_back_one_never(receiver):
    partner = receiver()
    Subscription.objects.create(name="Partner desk", url=partner.url)
    Subscription.objects.create(name="Paused", url="http://127.0.0.1:9/", active=False)
    claim = make_claim(text="Talks lasted five hours.", status="published", verdict="false")
    run_worker()

    claim.verdict, claim._change_reason = "mostly_accurate", "Ushakov's count was right."
    claim.save()
    with pytest.raises(RuntimeError), transaction.atomic():
        claim.text = "Never published words."
        claim.save()
        raise RuntimeError("the editor's save failed")
    run_worker()

    sent = [json.loads(body) for _, body, _ in partner.requests]
    assert [s["event"] for s in sent] == ["claim.published", "claim.corrected"]
    assert sent[1]["correction"]["reason"] == "Ushakov's count was right."
    assert sent[1]["correction"]["previous_verdict"] == "false"
    assert sent[1]["claim"]["verdict"] == "mostly_accurate"
    assert not Delivery.objects.filter(subscription__active=False).exists()


def test_only_a_chief_editor_registers_partners_and_reads_the_log(as_role):
    url = reverse("admin:talks_subscription_add")
    editor = as_role("Editor")
    assert editor.get(url).status_code == 403
    assert editor.get(reverse("admin:talks_delivery_changelist")).status_code == 403
    chief = as_role("Chief editor")
    page = chief.get(url)
    assert page.status_code == 200
    data = {"name": "Partner desk", "url": "https://partner.example/hook", "active": "on"}
    data["change_reason"] = "A partner asked"
    response = chief.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    subscription = Subscription.objects.get()
    assert len(subscription.secret) >= 40
    assert subscription.history.get().history_user == chief.user
    assert chief.get(reverse("admin:talks_delivery_changelist")).status_code == 200


@pytest.mark.django_db(transaction=True)  # queued when the import commits, run by the worker
def test_an_import_notifies_what_it_publishes_and_corrects_and_nothing_else(receiver, tmp_path):
    partner = receiver()
    Subscription.objects.create(name="Partner desk", url=partner.url)
    seed = json.loads(SEED_FIXTURE.read_text())
    published = {
        o["fields"]["slug"]
        for o in seed
        if o["model"] == "talks.claim" and o["fields"]["status"] == "published"
    }
    import_fixtures([SEED_FIXTURE], reason="first load")
    run_worker()
    sent = [json.loads(body) for _, body, _ in partner.requests]
    assert {s["claim"]["slug"] for s in sent} == published
    assert {s["event"] for s in sent} == {"claim.published"}

    corrected = next(
        o for o in seed if o["model"] == "talks.claim" and o["fields"]["slug"] in published
    )
    corrected["fields"]["verdict"] = "unverifiable"
    corrected["reason"] = "The second source withdrew its account."
    (tmp_path / "seed.json").write_text(json.dumps(seed))
    import_fixtures([tmp_path / "seed.json"], reason="corrections")
    import_fixtures([tmp_path / "seed.json"], reason="again: changes nothing")
    run_worker()

    later = [json.loads(body) for _, body, _ in partner.requests[len(sent) :]]
    assert [(s["event"], s["claim"]["slug"]) for s in later] == [
        ("claim.corrected", corrected["fields"]["slug"])
    ]
    assert later[0]["correction"]["reason"] == "The second source withdrew its account."
    assert later[0]["claim"]["verdict"] == "unverifiable"
