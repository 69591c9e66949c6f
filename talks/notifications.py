"""Signed notifications: when a claim is published or corrected, every active subscription is
sent its JSON, signed, from a background task that retries a failed delivery.

Whatever path writes the claim (the admin's form, an action, a revert), simple-history records
the new version; ``claim_recorded`` compares it with the one before and, for a publication or
a correction, builds the notification at once and queues it when the write commits (a
rolled-back save sends nothing). ``deliver`` POSTs it with an ``X-Factdesk-Signature`` header,
``sha256=`` and the HMAC-SHA256 of the body under the subscription's secret, and logs each
attempt on the ``Delivery``; an answer other than 2xx, or none, is retried after a wait that
doubles each time, up to ``MAX_ATTEMPTS``.
"""

import datetime
import functools
import hashlib
import hmac
import json
import urllib.error
import urllib.request

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from .models import Claim, Delivery, Subscription
from .models.claims import corrects

MAX_ATTEMPTS = 5
TIMEOUT_SECONDS = 10
SIGNATURE_HEADER = "X-Factdesk-Signature"


def claim_recorded(sender, instance, history_instance, **kwargs):
    """simple-history's signal for a new version of a claim: a publication or a correction
    is notified once the write commits."""
    if history_instance.history_type == "-" or history_instance.status != Claim.Status.PUBLISHED:
        return
    if not Subscription.objects.filter(active=True).exists():
        return  # nobody to tell: the versions are not compared
    before = history_instance.prev_record
    if before is None or before.status != Claim.Status.PUBLISHED:
        event, correction = Delivery.Event.PUBLISHED, None
    elif corrects(before, history_instance):
        event = Delivery.Event.CORRECTED
        correction = {
            "made_at": history_instance.history_date.isoformat(),
            "reason": history_instance.history_change_reason or "",
            "previous_text": before.text,
            "previous_verdict": before.verdict,
        }
    else:
        return
    body = notification(instance, event, correction)
    transaction.on_commit(functools.partial(queue, instance.pk, event, body))


def notification(claim, event, correction):
    """The JSON a partner receives: what happened, and the claim as readers now see it."""
    site = settings.FACTDESK_SITE_URL.rstrip("/")
    document = {
        "event": event,
        "claim": {
            "slug": claim.slug,
            "text": claim.text,
            "verdict": claim.verdict,
            "verdict_label": str(claim.get_verdict_display()),
            "claimant": claim.claimant_name,
            "published_at": claim.published_at.isoformat(),
            "page": site + claim.get_absolute_url(),
            "api": site + reverse("api:claim", args=[claim.slug]),
        },
    }
    if correction:
        document["correction"] = correction
    return json.dumps(document, ensure_ascii=False, sort_keys=True)


def queue(claim_id, event, body):
    """One delivery per active subscription, each sent by its own task."""
    for subscription in Subscription.objects.filter(active=True):
        delivery = Delivery.objects.create(
            subscription=subscription, claim_id=claim_id, event=event, body=body
        )
        deliver.enqueue(delivery.pk)


def signature(secret, body):
    """The header's value: what a partner computes from the body and the secret to check it."""
    digest = hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()
    return f"sha256={digest}"


@task
def deliver(delivery_id):
    """Send one delivery, log the attempt, and queue the next one if it failed."""
    delivery = Delivery.objects.select_related("subscription").get(pk=delivery_id)
    if delivery.status in (Delivery.Status.DELIVERED, Delivery.Status.FAILED):
        return delivery.status
    answer, error = post(delivery)
    now = timezone.now()
    delivery.attempts.append({"at": now.isoformat(), "status": answer, "error": error})
    if answer is not None and 200 <= answer < 300:
        delivery.status, delivery.delivered_at = Delivery.Status.DELIVERED, now
    elif len(delivery.attempts) >= MAX_ATTEMPTS:
        delivery.status = Delivery.Status.FAILED
    else:
        delivery.status = Delivery.Status.RETRYING
        wait = settings.FACTDESK_NOTIFICATION_RETRY_SECONDS * 2 ** (len(delivery.attempts) - 1)
        deliver.using(run_after=now + datetime.timedelta(seconds=wait)).enqueue(delivery.pk)
    delivery.save(update_fields=["attempts", "status", "delivered_at"])
    return delivery.status


def post(delivery):
    """POST the delivery's body: (the answer's status code, None) or (None, the error)."""
    request = urllib.request.Request(
        delivery.subscription.url,
        data=delivery.body.encode(),
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "factdesk-notifications",
            "X-Factdesk-Event": delivery.event,
            "X-Factdesk-Delivery": str(delivery.pk),
            SIGNATURE_HEADER: signature(delivery.subscription.secret, delivery.body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, ""
    except (urllib.error.URLError, OSError) as error:
        return None, str(error)
