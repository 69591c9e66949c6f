"""Likely contradictions, found by the database: the rules behind suggested contradictions.

Each rule is one set-based query (the statement rules live on ``StatementQuerySet``) and at
most a bulk look-up of the names its explanations need; nothing loops over claims in
Python, so the work grows with the number of statements and claims, not with its square.
Storing the results, and keeping dismissed suggestions dismissed, is the job of
``talks.services.suggestion_runs``.
"""

import functools
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction

from .models import Claim, Role, Statement
from .models.claims import REFUTED, UPHELD, Verdict
from .models.contradictions import SuggestionRule

# How alike two claims' texts must be (pg_trgm similarity, 0 to 1) to count as one claim.
NEAR_DUPLICATE_SIMILARITY = 0.6
# Near-duplicate candidates share this many pairs of consecutive words found in no more
# than RARE_PHRASE_CLAIMS claims (more common ones say nothing about two claims being one).
SHARED_RARE_PHRASES = 2
RARE_PHRASE_CLAIMS = 20


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


def detect_contradictions(claims=None, near_duplicates=True):
    """Every rule's candidates, one per pair of claims and rule.

    ``claims`` limits the role and meeting rules to the statements of these claims (each
    still compared with every other claim's); ``near_duplicates`` says whether that rule
    runs. An incremental run passes what ``talks.suggestion_scope`` found touched.
    """
    detection = Detection()
    statements = Statement.objects.all()
    if claims is not None:
        statements = statements.filter(claim__in=claims)
    found = [*role_conflicts(statements), *meeting_conflicts(statements)]
    if near_duplicates and connection.vendor == "postgresql":
        found.extend(near_duplicates_with_opposite_verdicts())
    elif near_duplicates:
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
            Candidate(first.claim_a, first.claim_b, first.rule, "\n".join(sorted(explanations)))
        )
    return sorted(pairs, key=lambda candidate: candidate.key)


def planned_for_a_batch(rule):
    """Run a rule with PostgreSQL set for one large query, and return its candidates as a list.

    JIT compilation off: the correlated look-ups look costly to the planner, so PostgreSQL
    would compile them to machine code first, seconds of work that look-ups of a few index
    probes each never repay. More memory for sorts and hashes, which would spill to disk.
    """

    @functools.wraps(rule)
    def run(*args, **kwargs):
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL jit = off")
                    cursor.execute("SET LOCAL work_mem = '64MB'")
            return list(rule(*args, **kwargs))

    return run


def _day(date):
    return f"{date:%d %b %Y}"


PROPOSED = Statement.Status.PROPOSED


def _from_proposals(explanation, *statuses):
    """The explanation, saying so when a statement it rests on is only proposed: the desk
    read it from a claim's words and no editor has accepted it yet."""
    if PROPOSED in statuses:
        return f"From proposed statements: {explanation}"
    return explanation


@planned_for_a_batch
def role_conflicts(statements=None):
    """A statement has someone act for X on a day when their roles, or X's, say otherwise."""
    statements = Statement.objects.all() if statements is None else statements
    rows = list(
        statements.acts_for_at_odds_with_roles().values(
            "claim_id",
            "date",
            "person__name",
            "on_behalf_of_id",
            "on_behalf_of__name",
            "principal_in_office",
            "record_role",
            "partner",
            "status",
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
        explanation = _from_proposals(" ".join(sentence), row["status"], partner.status)
        yield Candidate(row["claim_id"], partner.claim_id, SuggestionRule.ROLE, explanation)


@planned_for_a_batch
def meeting_conflicts(statements=None):
    """Statements that give the same meeting different dates, places or participants."""
    statements = Statement.objects.all() if statements is None else statements
    statuses = ("status", "reference_status")
    dates = statements.meeting_dates_in_conflict().values(
        "claim_id", "reference_claim", "meeting__title", "date", "reference_date", *statuses
    )
    for row in dates:
        yield Candidate(
            row["claim_id"],
            row["reference_claim"],
            SuggestionRule.MEETING_DATE,
            _from_proposals(
                f"Dates “{row['meeting__title']}” to {_day(row['date'])}; the other claim "
                f"dates it to {_day(row['reference_date'])}.",
                *(row[name] for name in statuses),
            ),
        )
    places = statements.meeting_places_in_conflict().values(
        "claim_id", "reference_claim", "meeting__title", "place", "reference_place", *statuses
    )
    for row in places:
        yield Candidate(
            row["claim_id"],
            row["reference_claim"],
            SuggestionRule.MEETING_PLACE,
            _from_proposals(
                f"Places “{row['meeting__title']}” in {row['place']}; the other claim places "
                f"it in {row['reference_place']}.",
                *(row[name] for name in statuses),
            ),
        )
    attendance = statements.attendance_in_conflict().values(
        "claim_id", "reference_claim", "meeting__title", "person__name", "kind", *statuses
    )
    for row in attendance:
        person, title = row["person__name"], row["meeting__title"]
        said = (
            f"Says {person} attended “{title}”; the other claim says they did not."
            if row["kind"] == "attended"
            else f"Says {person} did not attend “{title}”; the other claim says they did."
        )
        said = _from_proposals(said, *(row[name] for name in statuses))
        yield Candidate(
            row["claim_id"], row["reference_claim"], SuggestionRule.MEETING_PARTICIPANT, said
        )


@planned_for_a_batch
def near_duplicates_with_opposite_verdicts(similarity=NEAR_DUPLICATE_SIMILARITY):
    """Claims rated accurate whose near-twin in wording is rated false, or the reverse.

    PostgreSQL only. Comparing every upheld claim with every refuted one grows with the
    square of the desk, and so does probing a trigram index, whose posting lists grow with
    it. So candidates come from blocking: two claims are compared only if they share two
    rare pairs of consecutive words (each found in at most ``RARE_PHRASE_CLAIMS`` claims),
    which near-duplicates do and unrelated claims almost never do; each candidate is then
    checked with pg_trgm's trigram similarity, and for each upheld claim the most similar
    refuted one at or above ``similarity`` is kept. The work is linear in the number of
    words. Missed: pairs alike only in common phrases (every other word respelled), and
    claims of three words or fewer.
    """
    claims = Claim._meta.db_table
    both = ", ".join(["%s"] * (len(UPHELD) + len(REFUTED)))
    upheld = ", ".join(["%s"] * len(UPHELD))
    labels = dict(Verdict.choices)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH texts AS MATERIALIZED (
                SELECT id, verdict IN ({upheld}) AS upheld,
                       regexp_split_to_array(lower(text), '[^[:alnum:]]+') AS words
                FROM {claims} WHERE verdict IN ({both})
            ),
            phrases AS (
                SELECT DISTINCT texts.id, texts.upheld,
                       texts.words[i] || ' ' || texts.words[i + 1] AS phrase
                FROM texts, generate_series(1, cardinality(texts.words) - 1) AS i
                WHERE texts.words[i] <> '' AND texts.words[i + 1] <> ''
            ),
            rare AS (SELECT phrase FROM phrases GROUP BY phrase HAVING count(*) <= %s),
            pairs AS (
                SELECT kept.id AS upheld_id, refuted.id AS refuted_id
                FROM phrases kept
                JOIN rare USING (phrase)
                JOIN phrases refuted USING (phrase)
                WHERE kept.upheld AND NOT refuted.upheld
                GROUP BY kept.id, refuted.id
                HAVING count(*) >= %s
            )
            SELECT DISTINCT ON (pairs.upheld_id)
                   pairs.upheld_id, kept.verdict, pairs.refuted_id, refuted.verdict,
                   similarity(kept.text, refuted.text) AS alike
            FROM pairs
            JOIN {claims} kept ON kept.id = pairs.upheld_id
            JOIN {claims} refuted ON refuted.id = pairs.refuted_id
            WHERE similarity(kept.text, refuted.text) >= %s
            ORDER BY pairs.upheld_id, alike DESC, pairs.refuted_id
            """,
            [*UPHELD, *UPHELD, *REFUTED, RARE_PHRASE_CLAIMS, SHARED_RARE_PHRASES, similarity],
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
