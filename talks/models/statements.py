"""Statements: what a claim asserts, in a form the database can hold against its records.

A claim's text is for readers; its statements are for the database. "Witkoff acts on behalf
of Biden on 4 December 2025" can be checked against Witkoff's recorded roles, and "the Moscow
meeting took place on 2 December" against what other claims say of that meeting. The
questions below are what ``talks.contradiction_rules`` asks to propose likely contradictions; each
is one set-based query that looks rows up by indexed columns, never a loop over claims.
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from sources.natural_keys import NaturalKeyManager
from sources.records import TimestampedModel, choices_constraint, tracked_history

from .claims import Claim
from .meetings import Meeting, Participant
from .people import Person, Role


class StatementKind(models.TextChoices):
    ACTS_FOR = "acts_for", "Acts on behalf of someone, on a date"
    ATTENDED = "attended", "Attended a meeting"
    ABSENT = "absent", "Did not attend a meeting"
    MEETING_DATE = "meeting_date", "Meeting took place on a date"
    MEETING_PLACE = "meeting_place", "Meeting took place in a place"


class StatementStatus(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    PROPOSED = "proposed", "Proposed"


ATTENDANCE = [StatementKind.ATTENDED, StatementKind.ABSENT]
NO_DATE = models.Value("0001-01-01", models.DateField())


def shape_constraint(kinds, name, message, **filled):
    """Statements of ``kinds`` fill in exactly the fields named in ``filled``, no others."""
    optional = {"person", "on_behalf_of", "meeting", "date"}
    shape = Q(**{f"{field}__isnull": field not in filled for field in optional})
    shape &= ~Q(place="") if "place" in filled else Q(place="")
    return models.CheckConstraint(
        condition=~Q(kind__in=kinds) | shape,
        name=f"talks_statement_{name}_shape",
        violation_error_message=message,
    )


def _first_id(statements):
    """The first of ``statements`` recorded; the indexes below end in ``id`` for this."""
    return Subquery(statements.order_by("pk").values("pk")[:1])


def statement_fingerprint(values):
    """What a statement says, apart from its claim, as one string: "kind=acts_for;person=3;
    on_behalf_of=5;date=2025-12-04". Empty fields are left out, so a field added later
    leaves the fingerprints of rejected proposals as they were."""
    parts = []
    for name in Statement.natural_key_fields[1:]:
        attname = Statement._meta.get_field(name).attname
        value = values.get(attname, values.get(name))
        if isinstance(value, models.Model):
            value = value.pk
        if value not in (None, ""):
            written = value.isoformat() if hasattr(value, "isoformat") else value
            parts.append(f"{name}={written}")
    return ";".join(parts)


class StatementQuerySet(models.QuerySet):
    def proposed(self):
        return self.filter(status=StatementStatus.PROPOSED)

    def accepted(self):
        return self.filter(status=StatementStatus.ACCEPTED)

    def acts_for_at_odds_with_roles(self):
        """Statements that someone acts on someone's behalf which the recorded roles contradict.

        A statement "P acts for X on day d" is at odds with the record when no role of P held
        on d is on X's behalf, and either a role of P held on d is on someone else's behalf
        (``record_role``, ``record_principal``) or X held no office at all on d
        (``principal_in_office`` false). Each comes with ``partner``: the nearest statement
        of another claim, on or after d (else before), that has P act for the record's
        principal (or, with none recorded, for anyone but X), and that the record backs.
        """
        roles_on_the_day = Role.objects.filter(person=OuterRef("person")).held_on(OuterRef("date"))
        for_someone_else = (
            roles_on_the_day.filter(on_behalf_of__isnull=False)
            .exclude(on_behalf_of=OuterRef("on_behalf_of"))
            .order_by(F("start_date").desc(nulls_last=True), "pk")
        )
        at_odds = (
            self.filter(kind=StatementKind.ACTS_FOR)
            .order_by()
            .annotate(
                backed=Exists(roles_on_the_day.filter(on_behalf_of=OuterRef("on_behalf_of"))),
                principal_in_office=Exists(
                    Role.objects.filter(person=OuterRef("on_behalf_of")).held_on(OuterRef("date"))
                ),
                record_role=Subquery(for_someone_else.values("pk")[:1]),
                record_principal=Subquery(for_someone_else.values("on_behalf_of")[:1]),
            )
            .filter(Q(record_role__isnull=False) | Q(principal_in_office=False), backed=False)
        )
        partners = (
            Statement.objects.filter(kind=StatementKind.ACTS_FOR, person=OuterRef("person"))
            .exclude(claim=OuterRef("claim"))
            .exclude(on_behalf_of=OuterRef("on_behalf_of"))
            # With a principal on record, only statements naming that principal; without
            # one, Coalesce makes the condition "on_behalf_of = on_behalf_of", always true.
            .filter(on_behalf_of=Coalesce(OuterRef("record_principal"), F("on_behalf_of")))
            .filter(
                Exists(
                    Role.objects.filter(
                        person=OuterRef("person"), on_behalf_of=OuterRef("on_behalf_of")
                    ).held_on(OuterRef("date"))
                )
                | Exists(
                    Role.objects.filter(person=OuterRef("on_behalf_of")).held_on(OuterRef("date"))
                )
            )
        )
        after = partners.filter(date__gte=OuterRef("date")).order_by("date", "pk")
        before = partners.filter(date__lt=OuterRef("date")).order_by("-date", "-pk")
        return at_odds.annotate(
            partner=Coalesce(Subquery(after.values("pk")[:1]), Subquery(before.values("pk")[:1]))
        ).filter(partner__isnull=False)

    def meeting_dates_in_conflict(self):
        """Statements dating a meeting otherwise than its reference statement does."""
        same = Statement.objects.filter(
            kind=StatementKind.MEETING_DATE, meeting=OuterRef("meeting")
        )
        reference = Coalesce(
            _first_id(same.filter(date=OuterRef("meeting__start_date"))), _first_id(same)
        )
        span = Q(meeting__end_date__isnull=False, meeting__start_date__isnull=False)
        within = span & Q(
            date__gte=F("meeting__start_date"),
            date__lte=F("meeting__end_date"),
            reference_date__gte=F("meeting__start_date"),
            reference_date__lte=F("meeting__end_date"),
        )
        return (
            self._against_reference(StatementKind.MEETING_DATE, reference, "date")
            .exclude(date=F("reference_date"))
            .exclude(within)  # two days of a meeting that lasted several
        )

    def meeting_places_in_conflict(self):
        """Statements placing a meeting elsewhere than its reference statement does.

        Places are compared ignoring case, and one containing the other is no conflict:
        "Miami" and "Miami, Florida" agree.
        """
        same = Statement.objects.filter(
            kind=StatementKind.MEETING_PLACE, meeting=OuterRef("meeting")
        )
        reference = Coalesce(
            _first_id(same.filter(place=OuterRef("meeting__place"))), _first_id(same)
        )
        return (
            self._against_reference(StatementKind.MEETING_PLACE, reference, "place")
            .exclude(place__icontains=F("reference_place"))
            .exclude(reference_place__icontains=F("place"))
        )

    def attendance_in_conflict(self):
        """Statements that a person did, or did not, attend a meeting, against the other kind."""
        same = Statement.objects.filter(
            kind__in=ATTENDANCE, meeting=OuterRef("meeting"), person=OuterRef("person")
        )
        recorded = Exists(
            Participant.objects.filter(meeting=OuterRef("meeting"), person=OuterRef("person"))
        )
        reference = Coalesce(
            _first_id(same.filter(recorded, kind=StatementKind.ATTENDED)), _first_id(same)
        )
        return self._against_reference(ATTENDANCE, reference, "kind").exclude(
            kind=F("reference_kind")
        )

    def _against_reference(self, kinds, reference, value):
        """Statements of ``kinds`` beside the one each is compared with, from another claim.

        The reference for a meeting (and person) is the first statement recorded that agrees
        with the meeting's own record, or else simply the first recorded: so every statement
        is compared with one other, and the work stays linear in the number of statements.
        """
        kinds = kinds if isinstance(kinds, list) else [kinds]
        referenced = Statement.objects.filter(pk=OuterRef("reference")).order_by()
        return (
            self.filter(kind__in=kinds)
            .order_by()
            .annotate(reference=reference)
            .annotate(
                reference_claim=Subquery(referenced.values("claim_id")[:1]),
                reference_status=Subquery(referenced.values("status")[:1]),
                **{f"reference_{value}": Subquery(referenced.values(value)[:1])},
            )
            .exclude(claim=F("reference_claim"))
        )


class Statement(TimestampedModel):
    """One checkable assertion of a claim: who acts for whom, who attended, when and where."""

    Kind = StatementKind
    Status = StatementStatus
    natural_key_fields = ("claim", "kind", "person", "on_behalf_of", "meeting", "date", "place")
    record_field = "claim"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="statements")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements",
        help_text="Who acts, or who attended or did not attend.",
    )
    on_behalf_of = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements_acted_for",
        help_text="For “acts on behalf of”: whom the person acts for.",
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements",
        help_text="For attendance, and for a meeting's date or place.",
    )
    date = models.DateField(
        null=True, blank=True, help_text="The day someone acted, or the meeting took place."
    )
    place = models.CharField(
        max_length=200, blank=True, help_text="For “took place in”: city, venue or 'by phone'."
    )
    status = models.CharField(
        max_length=16,
        choices=Status.choices,
        default=Status.ACCEPTED,
        help_text="Proposed: read from the claim's words by the desk, for an editor to accept, "
        "correct or reject; accepted: the desk's word.",
    )
    evidence = models.CharField(
        max_length=300,
        blank=True,
        help_text="For a proposed statement: the words of the claim it was read from.",
    )

    objects = NaturalKeyManager.from_queryset(StatementQuerySet)()
    history = tracked_history()

    class Meta:
        ordering = ["claim", "kind", "date", "pk"]
        indexes = [
            # The suggestion rules' look-ups: each takes the first row in index order.
            models.Index(
                fields=["person", "date", "id"],
                condition=Q(kind="acts_for"),
                name="talks_statement_acts_for",
            ),
            models.Index(fields=["meeting", "kind", "id"], name="talks_statement_meeting"),
            models.Index(fields=["meeting", "kind", "date", "id"], name="talks_statement_mtg_date"),
            models.Index(
                fields=["meeting", "kind", "place", "id"], name="talks_statement_mtg_place"
            ),
            models.Index(fields=["meeting", "person", "kind", "id"], name="talks_statement_attend"),
        ]
        constraints = [
            choices_constraint("kind", StatementKind),
            choices_constraint("status", StatementStatus),
            shape_constraint(
                [StatementKind.ACTS_FOR],
                "acts_for",
                "“Acts on behalf of” names the person, whom they act for and the day, "
                "and nothing else.",
                person=True,
                on_behalf_of=True,
                date=True,
            ),
            shape_constraint(
                ATTENDANCE,
                "attendance",
                "Attendance names the person and the meeting, and nothing else.",
                person=True,
                meeting=True,
            ),
            shape_constraint(
                [StatementKind.MEETING_DATE],
                "meeting_date",
                "A meeting's date names the meeting and the day, and nothing else.",
                meeting=True,
                date=True,
            ),
            shape_constraint(
                [StatementKind.MEETING_PLACE],
                "meeting_place",
                "A meeting's place names the meeting and the place, and nothing else.",
                meeting=True,
                place=True,
            ),
            models.CheckConstraint(
                condition=~Q(on_behalf_of=F("person")),
                name="talks_statement_not_on_own_behalf",
                violation_error_message="A person does not act on their own behalf.",
            ),
            models.UniqueConstraint(
                "claim",
                "kind",
                Coalesce("person", 0),
                Coalesce("on_behalf_of", 0),
                Coalesce("meeting", 0),
                Coalesce("date", NO_DATE),
                "place",
                name="talks_statement_unique",
                violation_error_message="The claim already makes this statement.",
            ),
        ]

    def __str__(self):
        day = f"{self.date:%d %b %Y}" if self.date else ""
        match self.kind:
            case StatementKind.ACTS_FOR:
                return f"{self.person} acts on behalf of {self.on_behalf_of} on {day}"
            case StatementKind.ATTENDED:
                return f"{self.person} attended {self.meeting.title}"
            case StatementKind.ABSENT:
                return f"{self.person} did not attend {self.meeting.title}"
            case StatementKind.MEETING_DATE:
                return f"{self.meeting.title} took place on {day}"
            case _:
                return f"{self.meeting.title} took place in {self.place}"

    @property
    def fingerprint(self):
        return statement_fingerprint(
            {f.attname: getattr(self, f.attname) for f in self._meta.fields}
        )

    @property
    def is_proposed(self):
        return self.status == StatementStatus.PROPOSED


class RejectedProposal(TimestampedModel):
    """A statement the desk proposed and an editor rejected (or corrected): remembered, so
    the desk never proposes it again for this claim, as a dismissed suggestion stays
    dismissed."""

    natural_key_fields = ("claim", "fingerprint")
    record_field = "claim"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="rejected_proposals")
    fingerprint = models.CharField(
        max_length=400, help_text="What the proposal said (``statement_fingerprint``)."
    )
    statement = models.CharField(max_length=400, help_text="The proposal, as the editor saw it.")
    reason = models.CharField(max_length=300, blank=True, help_text="Why the editor rejected it.")
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = NaturalKeyManager()
    history = tracked_history()

    class Meta:
        ordering = ["claim", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "fingerprint"],
                name="talks_rejectedproposal_unique",
                violation_error_message="This proposal is already rejected for the claim.",
            )
        ]

    def __str__(self):
        return f"Rejected: {self.statement}"
