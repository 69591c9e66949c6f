"""What an incremental suggestion run looks at: the pairs of claims that changes since the last
run can have touched, and nothing else.

A rule's row pairs two claims through one *unit*: the role rule through a person (the
statement and its partner have the same person acting), the meeting rules through a meeting
(a statement and the meeting's reference statement). A row depends only on its unit: the
unit's statements, the roles of the person and of whoever they act for, the meeting's record
and participants, and the names in the explanation. So a change touches the units it names,
old values and new (read from the history, which also keeps what was deleted), and the
pairs to look at again are those whose claims both have a statement in a touched unit; for
those pairs every statement of both claims is read again (``claims``), so what the run
finds for them is what a full run would. Every other pair's suggestion stays as it is.

The near-duplicate rule compares texts across the desk, and how rare a phrase is depends on
every claim: when a claim's text or verdict has changed, that rule runs over the whole desk
(``near_duplicates``); when none has, its suggestions stay as they are.
"""

from dataclasses import dataclass, field

from django.db.models import Q

from .models import (
    Claim,
    Contradiction,
    Meeting,
    Participant,
    Person,
    PersonAlias,
    Role,
    Statement,
)
from .models.contradictions import SuggestionRule

NEAR_DUPLICATE = SuggestionRule.NEAR_DUPLICATE
# Past this many claims to look at again, a full run costs no more.
MOST_CLAIMS = 20_000


@dataclass
class Scope:
    """The claims whose role and meeting pairs a run finds again, and whether the
    near-duplicate rule runs; ``None`` for a claim set means every claim (a full run)."""

    claims: set | None = None
    near_duplicates: bool = True
    touched: dict = field(default_factory=dict)  # what changed, counted, for the run's record

    @classmethod
    def everything(cls):
        return cls()

    @property
    def full(self):
        return self.claims is None

    def covers(self, key):
        """Whether the suggestion for ``key`` (low claim, high claim, rule) is found again."""
        low, high, rule = key
        if rule == NEAR_DUPLICATE:
            return self.near_duplicates
        return self.claims is None or (low in self.claims and high in self.claims)


def changes_since(moment):
    """The scope of an incremental run over what changed after ``moment``."""
    agents, principals, meetings, claims = set(), set(), set(), set()

    def since(model):
        return model.history.filter(history_date__gt=moment)

    def every_version(model, fields):
        """Each field's values in every version of the rows changed since: old and new."""
        changed = since(model).values("id")
        return model.history.filter(id__in=changed).values_list(*fields)

    # A statement's rows are in its own units: its claim, the person acting, its meeting.
    for claim, person, meeting in every_version(Statement, ["claim_id", "person_id", "meeting_id"]):
        claims.add(claim)
        agents.add(person)
        meetings.add(meeting)
    # A role counts for its holder acting, and for whoever acts for the holder (in office?).
    holders = set(every_version(Role, ["person_id"]).values_list("person_id", flat=True))
    agents.update(holders)
    principals.update(holders)
    meetings.update(every_version(Participant, ["meeting_id"]).values_list("meeting_id", flat=True))
    meetings.update(since(Meeting).values_list("id", flat=True))
    # A name is in the explanations of the person's rows and of those who act for them.
    renamed = set(since(Person).values_list("id", flat=True))
    renamed.update(since(PersonAlias).values_list("person_id", flat=True))
    agents.update(renamed)
    principals.update(renamed)
    for low, high in every_version(Contradiction, ["claim_a_id", "claim_b_id"]):
        claims.update({low, high})
    principals.discard(None)
    meetings.discard(None)

    acting_for = Statement.objects.filter(kind=Statement.Kind.ACTS_FOR, on_behalf_of__in=principals)
    agents.update(acting_for.values_list("person_id", flat=True))
    agents.discard(None)
    # Attendance rows name the person: a renamed one touches the meetings they are said at.
    meetings.update(
        Statement.objects.filter(person__in=renamed, meeting__isnull=False).values_list(
            "meeting_id", flat=True
        )
    )
    in_units = Statement.objects.filter(
        Q(kind=Statement.Kind.ACTS_FOR, person__in=agents) | Q(meeting__in=meetings)
    )
    claims.update(in_units.values_list("claim_id", flat=True))
    texts_changed = since(Claim).exists()
    if len(claims) > MOST_CLAIMS:
        return Scope.everything()
    return Scope(
        claims=claims,
        near_duplicates=texts_changed,
        touched={"claims": len(claims), "people": len(agents), "meetings": len(meetings)},
    )
