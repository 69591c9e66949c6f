"""Likely contradictions, found by the database: the rules behind suggested contradictions.

Each rule is one set-based query (the statement rules live on ``StatementQuerySet``) and at
most a bulk look-up of the names its explanations need; nothing loops over claims in
Python, so the work grows with the number of statements and claims, not with its square.
Storing the results, and keeping dismissed suggestions dismissed, is the job of
``talks.services.suggestions``.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction

from .models import Claim, Role, Statement
from .models.claims import REFUTED, UPHELD, Verdict
from .models.contradictions import SuggestionRule

# How alike two claims' texts must be (pg_trgm similarity, 0 to 1) to count as one claim.
NEAR_DUPLICATE_SIMILARITY = 0.6


@dataclass(frozen=True)
class Candidate:
    """A pair of claims a rule proposes; ``claim_a`` is the one it finds at odds."""

    claim_a: int
    claim_b: int
    rule: str
    explanation: str

    @property
    def key(self):
        """The same for the pair in either order: one suggestion per pair and rule."""
        return (min(self.claim_a, self.claim_b), max(self.claim_a, self.claim_b), self.rule)


@dataclass
class Detection:
    candidates: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # checks this database cannot run, and why


def detect_contradictions():
    """Every rule's candidates, one per pair of claims and rule."""
    detection = Detection()
    found = [*role_conflicts(), *meeting_conflicts()]
    if connection.vendor == "postgresql":
        found.extend(near_duplicates_with_opposite_verdicts())
    else:
        detection.skipped.append(
            "Near-duplicate claims with opposite verdicts: skipped, the check needs PostgreSQL's "
            f"trigram similarity (pg_trgm) and this database is {connection.display_name}."
        )
    detection.candidates = _one_per_pair(found)
    return detection


def _one_per_pair(found):
    """Merge what several statements of the same two claims say into one explanation."""
    merged = defaultdict(list)
    for candidate in found:
        merged[candidate.key].append(candidate)
    pairs = []
    for group in merged.values():
        first = min(group, key=lambda candidate: (candidate.claim_a, candidate.claim_b))
        explanations = dict.fromkeys(candidate.explanation for candidate in group)
        pairs.append(
            Candidate(first.claim_a, first.claim_b, first.rule, " ".join(sorted(explanations)))
        )
    return sorted(pairs, key=lambda candidate: candidate.key)


def _day(date):
    return f"{date:%d %b %Y}"


def role_conflicts():
    """A statement has someone act for X on a day when their roles, or X's, say otherwise."""
    rows = list(
        Statement.objects.acts_for_at_odds_with_roles().values(
            "claim_id",
            "date",
            "person__name",
            "on_behalf_of_id",
            "on_behalf_of__name",
            "principal_in_office",
            "record_role",
            "partner",
        )
    )
    roles = Role.objects.select_related("on_behalf_of").in_bulk(
        {row["record_role"] for row in rows} - {None}
    )
    partners = Statement.objects.select_related("on_behalf_of").in_bulk(
        {row["partner"] for row in rows}
    )
    offices = defaultdict(list)
    out_of_office = {row["on_behalf_of_id"] for row in rows if not row["principal_in_office"]}
    for role in Role.objects.filter(person__in=out_of_office, end_date__isnull=False):
        offices[role.person_id].append(role)

    for row in rows:
        partner = partners[row["partner"]]
        person, principal, day = row["person__name"], row["on_behalf_of__name"], row["date"]
        sentence = [f"{person} acting for {principal} on {_day(day)}:"]
        if row["record_role"]:
            role = roles[row["record_role"]]
            sentence.append(
                f"the recorded role then, “{role.title}” ({role.period}), is on behalf of "
                f"{role.on_behalf_of.name};"
            )
        if not row["principal_in_office"]:
            earlier = [role for role in offices[row["on_behalf_of_id"]] if role.end_date < day]
            last = max(earlier, key=lambda role: role.end_date, default=None)
            held = f" (last: {last.title}, {last.period})" if last else ""
            sentence.append(f"{principal} held no office that day{held};")
        sentence.append(
            f"the other claim has {person} act for {partner.on_behalf_of.name} "
            f"on {_day(partner.date)}."
        )
        yield Candidate(row["claim_id"], partner.claim_id, SuggestionRule.ROLE, " ".join(sentence))


def meeting_conflicts():
    """Statements that give the same meeting different dates, places or participants."""
    dates = Statement.objects.meeting_dates_in_conflict().values(
        "claim_id", "reference_claim", "meeting__title", "date", "reference_date"
    )
    for row in dates:
        yield Candidate(
            row["claim_id"],
            row["reference_claim"],
            SuggestionRule.MEETING_DATE,
            f"Dates “{row['meeting__title']}” to {_day(row['date'])}; the other claim "
            f"dates it to {_day(row['reference_date'])}.",
        )
    places = Statement.objects.meeting_places_in_conflict().values(
        "claim_id", "reference_claim", "meeting__title", "place", "reference_place"
    )
    for row in places:
        yield Candidate(
            row["claim_id"],
            row["reference_claim"],
            SuggestionRule.MEETING_PLACE,
            f"Places “{row['meeting__title']}” in {row['place']}; the other claim places "
            f"it in {row['reference_place']}.",
        )
    attendance = Statement.objects.attendance_in_conflict().values(
        "claim_id", "reference_claim", "meeting__title", "person__name", "kind"
    )
    for row in attendance:
        person, title = row["person__name"], row["meeting__title"]
        said = (
            f"Says {person} attended “{title}”; the other claim says they did not."
            if row["kind"] == "attended"
            else f"Says {person} did not attend “{title}”; the other claim says they did."
        )
        yield Candidate(
            row["claim_id"], row["reference_claim"], SuggestionRule.MEETING_PARTICIPANT, said
        )


def near_duplicates_with_opposite_verdicts(similarity=NEAR_DUPLICATE_SIMILARITY):
    """Claims rated accurate whose near-twin in wording is rated false, or the reverse.

    PostgreSQL only. For each claim rated accurate or mostly accurate, the trigram index on
    the claims rated false or mostly false yields its most similar one, if any is at least
    ``similarity`` alike: one index probe per claim.
    """
    claims = Claim._meta.db_table
    upheld, refuted = (", ".join(["%s"] * len(verdicts)) for verdicts in (UPHELD, REFUTED))
    labels = dict(Verdict.choices)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [str(similarity)]
        )
        cursor.execute(
            f"""
            SELECT upheld.id, upheld.verdict, twin.id, twin.verdict, twin.similarity
            FROM {claims} upheld
            CROSS JOIN LATERAL (
                SELECT refuted.id, refuted.verdict,
                       similarity(refuted.text, upheld.text) AS similarity
                FROM {claims} refuted
                WHERE refuted.verdict IN ({refuted}) AND refuted.text %% upheld.text
                ORDER BY similarity DESC, refuted.id
                LIMIT 1
            ) twin
            WHERE upheld.verdict IN ({upheld})
            """,
            [*REFUTED, *UPHELD],
        )
        rows = cursor.fetchall()
    for claim, verdict, twin, twin_verdict, alike in rows:
        yield Candidate(
            claim,
            twin,
            SuggestionRule.NEAR_DUPLICATE,
            f"The two texts are {alike:.0%} alike (trigram similarity), but one is rated "
            f"{labels[verdict]} and the other {labels[twin_verdict]}.",
        )
