"""Meetings: talks, calls, summits and announcements, with who took part for which side."""

from django.db import models
from django.urls import reverse
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sources.models import CitationBase
from sources.natural_keys import NaturalKeyManager
from sources.records import (
    SluggedModel,
    TimestampedModel,
    choices_constraint,
    end_after_start_constraint,
    tracked_history,
)

from .people import LONG_DATE, Person


class MeetingKind(models.TextChoices):
    NEGOTIATION_ROUND = "negotiation_round", _("Negotiation round")
    BILATERAL_MEETING = "bilateral_meeting", _("Bilateral meeting")
    SUMMIT = "summit", _("Summit")
    CALL = "call", _("Call")
    ANNOUNCEMENT = "announcement", _("Announcement")
    PRESS_CONFERENCE = "press_conference", _("Press conference")
    OTHER = "other", _("Other")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class DatePrecision(models.TextChoices):
    DAY = "day", "Exact day"
    APPROXIMATE = "approximate", "Around that day"
    MONTH = "month", "Month only"
    YEAR = "year", "Year only"


class Meeting(SluggedModel):
    Kind = MeetingKind
    Status = MeetingStatus
    DatePrecision = DatePrecision

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.HELD)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(
        null=True, blank=True, help_text="For meetings over several days; blank for one day."
    )
    date_precision = models.CharField(
        max_length=16,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text="How precisely the sources give the date.",
    )
    place = models.CharField(max_length=200, blank=True, help_text="City, venue or 'by phone'.")
    country = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True)

    objects = NaturalKeyManager()
    history = tracked_history()

    class Meta:
        ordering = ["-start_date", "title"]
        indexes = [
            models.Index(fields=["-start_date", "title", "-id"], name="talks_meeting_list_order")
        ]
        constraints = [
            end_after_start_constraint(),
            choices_constraint("kind", MeetingKind),
            choices_constraint("status", MeetingStatus),
            choices_constraint("date_precision", DatePrecision),
        ]

    def __str__(self):
        when = f" ({self.start_date:%d %b %Y})" if self.start_date else ""
        return f"{self.title}{when}"

    def get_absolute_url(self):
        return reverse("public:meeting", args=[self.slug])

    @property
    def date_label(self):
        """The date as precisely as the sources give it, in the reader's language: "around 4
        December 2025", "близько 4 грудня 2025"."""
        if not self.start_date:
            return gettext("date not known")
        if self.date_precision == DatePrecision.YEAR:
            return format_date(self.start_date, "Y")
        if self.date_precision == DatePrecision.MONTH:
            return format_date(self.start_date, "F Y")
        label = format_date(self.start_date, LONG_DATE)
        if self.end_date and self.end_date != self.start_date:
            label = f"{label} – {format_date(self.end_date, LONG_DATE)}"
        if self.date_precision == DatePrecision.APPROXIMATE:
            return gettext("around %(date)s") % {"date": label}
        return label

    @property
    def place_label(self):
        return ", ".join(part for part in [self.place, self.country] if part)


class ParticipantRole(models.TextChoices):
    HEAD_OF_DELEGATION = "head_of_delegation", _("Head of delegation")
    DELEGATE = "delegate", _("Delegation member")
    PRINCIPAL = "principal", _("Principal")
    HOST = "host", _("Host")
    MEDIATOR = "mediator", _("Mediator")
    ADVISER = "adviser", _("Adviser")
    ATTENDEE = "attendee", _("Attendee")


class Participant(TimestampedModel):
    """A person at a meeting, for a side, in a role there."""

    Role = ParticipantRole
    natural_key_fields = ("meeting", "person")
    record_field = "meeting"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="participations")
    side = models.CharField(
        max_length=100, blank=True, help_text="The side they stood for, e.g. Ukraine."
    )
    role = models.CharField(
        "role in the meeting",
        max_length=32,
        choices=Role.choices,
        default=Role.DELEGATE,
    )
    note = models.CharField(max_length=300, blank=True)

    objects = NaturalKeyManager()
    history = tracked_history()

    class Meta:
        ordering = ["meeting", "side", "person"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"],
                name="talks_participant_unique",
                violation_error_message="This person is already a participant of the meeting.",
            ),
            choices_constraint("role", ParticipantRole),
        ]

    def __str__(self):
        side = f" for {self.side}" if self.side else ""
        return f"{self.person} at {self.meeting.title}{side} ({self.get_role_display()})"


class MeetingCitation(CitationBase):
    """A source that reports the meeting: its date, place or participants."""

    natural_key_fields = ("meeting", "source")
    record_field = "meeting"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="citations")

    objects = NaturalKeyManager()
    history = tracked_history()

    class Meta:
        verbose_name = "meeting source"
        ordering = ["meeting", "source"]
        constraints = [
            *CitationBase.Meta.constraints,
            models.UniqueConstraint(
                fields=["meeting", "source"],
                name="talks_meetingcitation_unique",
                violation_error_message="The meeting already cites this source.",
            ),
        ]
