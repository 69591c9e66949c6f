"""Notifications: partners' addresses that the desk tells when a claim is published or
corrected, and the log of every delivery.

A chief editor registers a subscription in the admin; the desk signs each notification with
its secret (HMAC-SHA256) and sends it from a background task, retrying a failed delivery
(``talks.notifications``).
"""

import secrets

from django.db import models

from sources.natural_keys import NaturalKeyManager
from sources.records import TimestampedModel, choices_constraint, tracked_history


def new_secret():
    return secrets.token_urlsafe(32)


class Subscription(TimestampedModel):
    """A partner's address that the desk notifies of each claim published or corrected."""

    natural_key_fields = ("url",)

    name = models.CharField(max_length=200, help_text="Who receives it: a desk, a newsroom, a bot.")
    url = models.URLField(
        "URL", max_length=1000, unique=True, help_text="The desk POSTs each notification here."
    )
    secret = models.CharField(
        max_length=100,
        default=new_secret,
        help_text="Shared with the partner only: the desk signs every notification with it "
        "(HMAC-SHA256 of the body, in the X-Factdesk-Signature header).",
    )
    active = models.BooleanField(default=True, help_text="Untick to stop sending, keeping the log.")

    objects = NaturalKeyManager()
    history = tracked_history(excluded_fields=["secret"])

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.url})"


class NotificationEvent(models.TextChoices):
    PUBLISHED = "claim.published", "Claim published"
    CORRECTED = "claim.corrected", "Claim corrected"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    RETRYING = "retrying", "Failed, will be retried"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed, no more retries"


class Delivery(models.Model):
    """One notification to one subscription, and each attempt to send it.

    Written by the desk itself (the queue, then the task that sends it): a log, with no
    history and no page to edit it.
    """

    Event = NotificationEvent
    Status = DeliveryStatus

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    claim = models.ForeignKey(
        "talks.Claim",
        on_delete=models.SET_NULL,
        null=True,
        related_name="deliveries",
        help_text="Blank once the claim is deleted; the body sent still names it.",
    )
    event = models.CharField(max_length=32, choices=Event.choices)
    body = models.TextField(help_text="The JSON sent, byte for byte what was signed.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.JSONField(
        default=list, help_text="Each attempt: when, the answer's status code or the error."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        ordering = ["-created_at", "-id"]
        default_permissions = ["view"]
        constraints = [
            choices_constraint("event", NotificationEvent),
            choices_constraint("status", DeliveryStatus),
        ]

    def __str__(self):
        return (
            f"{self.get_event_display()} to {self.subscription.name}: {self.get_status_display()}"
        )
