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
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from .models import Claim, Delivery, Subscription
from .models.claims import corrects
from .models.imports import editors_words

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
    _notify(instance, history_instance, history_instance.prev_record)


def claims_imported(run):
    """An import writes its claims in bulk, which sends no signal: the publications and
    corrections among the versions ``run`` wrote are notified here, as a form's would be,
    once the import commits: two queries for the whole run (the versions of the claims it
    published, oldest first, and the claims)."""
    if not Subscription.objects.filter(active=True).exists():
        return
    mark = run.change_reason()
    written = Q(history_change_reason=mark) | Q(history_change_reason__startswith=f"{mark}: ")
    versions = Claim.history.filter(written, status=Claim.Status.PUBLISHED)
    earlier = list(
        Claim.history.filter(id__in=versions.values("id"))
        .exclude(history_type="-")
        .annotate(written=ExpressionWrapper(written, output_field=BooleanField()))
        .order_by("id", "history_date", "history_id")
    )
    claims = Claim.objects.select_related("claimant").in_bulk(
        {version.id for version in earlier if version.written}
    )
    before = None
    for version in earlier:
        if version.written and version.status == Claim.Status.PUBLISHED:
            previous = before if before and before.id == version.id else None
            _notify(claims[version.id], version, previous)
        before = version


def _notify(claim, version, before):
    """Queue the notification of ``version`` of ``claim`` (``before``: the version before
    it, or None) if it publishes or corrects the claim."""
    if before is None or before.status != Claim.Status.PUBLISHED:
        event, correction = Delivery.Event.PUBLISHED, None
    elif corrects(before, version):
        event = Delivery.Event.CORRECTED
        correction = {
            "made_at": version.history_date.isoformat(),
            "reason": editors_words(version.history_change_reason),
            "previous_text": before.text,
            "previous_verdict": before.verdict,
        }
    else:
        return
    body = notification(claim, event, correction)
    transaction.on_commit(functools.partial(queue, claim.pk, event, body))


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
