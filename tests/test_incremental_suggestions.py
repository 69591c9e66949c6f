"""An incremental suggestion run finds what a full run finds, on the same data.

Hypothesis builds a small desk (people with roles, meetings with participants, claims with
statements of every kind), runs the rules over it, then makes random edits through the
models (so the history has them, as every editor's save does): statements changed, added and
deleted, roles and meetings changed, people renamed, pairs flagged, claims deleted. A full
run over the edited desk, rolled back, is compared with the incremental run that follows.
"""

import datetime
import os

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from talks import models as talks_models
from talks.models import (
    Contradiction,
    ContradictionSuggestion,
    Participant,
    Role,
    Statement,
    SuggestionRun,
)
from talks.services.suggestion_runs import perform_run, refresh_suggestions

from .conftest import make_claim, make_meeting, make_person, rewriting_history

pytestmark = pytest.mark.django_db
TRACKED = [getattr(talks_models, name) for name in talks_models.__all__]

DAY = datetime.date(2025, 1, 1)
days = st.integers(0, 6).map(lambda n: DAY + datetime.timedelta(days=n))
PLACES = ["Miami", "Miami, Florida", "Geneva", "Riyadh"]
PEOPLE, MEETINGS, CLAIMS = 3, 2, 6

person = st.integers(0, PEOPLE - 1)
meeting = st.integers(0, MEETINGS - 1)
claim = st.integers(0, CLAIMS - 1)
acts_for = st.tuples(st.just("acts_for"), claim, person, person, days)
statement = st.one_of(
    acts_for,
    acts_for,  # twice as likely: the role rule needs more statements to find anything
    st.tuples(st.just("meeting_date"), claim, meeting, days),
    st.tuples(st.just("meeting_place"), claim, meeting, st.sampled_from(PLACES)),
    st.tuples(st.sampled_from(["attended", "absent"]), claim, meeting, person),
)
role = st.tuples(person, st.one_of(st.none(), person), days, st.one_of(st.none(), days))
edit = st.one_of(
    st.tuples(st.just("add statement"), statement),
    st.tuples(st.just("redate statement"), st.integers(0, 99), days),
    st.tuples(st.just("delete statement"), st.integers(0, 99)),
    st.tuples(st.just("end role"), st.integers(0, 99), st.one_of(st.none(), days)),
    st.tuples(st.just("add role"), role),
    st.tuples(st.just("move meeting"), meeting, days, st.sampled_from(PLACES)),
    st.tuples(st.just("add participant"), meeting, person),
    st.tuples(st.just("rename"), person),
    st.tuples(st.just("flag"), claim, claim),
    st.tuples(st.just("delete claim"), claim),
)


class Desk:
    def __init__(self):
        self.people = [make_person(name=f"Person {n}") for n in range(PEOPLE)]
        self.meetings = [
            make_meeting(title=f"Meeting {n}", start_date=DAY, place="Miami")
            for n in range(MEETINGS)
        ]
        self.claims = [make_claim() for _ in range(CLAIMS)]

    def add_statement(self, shape):
        kind, claim, *rest = shape
        fields = {"claim_id": self.claims[claim].pk, "kind": kind}
        if kind == "acts_for":
            agent, principal, day = rest
            if agent == principal:
                return
            fields.update(person=self.people[agent], on_behalf_of=self.people[principal], date=day)
        elif kind == "meeting_date":
            fields.update(meeting=self.meetings[rest[0]], date=rest[1])
        elif kind == "meeting_place":
            fields.update(meeting=self.meetings[rest[0]], place=rest[1])
        else:
            fields.update(meeting=self.meetings[rest[0]], person=self.people[rest[1]])
        if self.claims[claim].pk is not None:
            Statement.objects.create(**fields)

    def add_role(self, shape):
        holder, principal, start, end = shape
        principal = None if principal == holder else principal
        if end is not None and end < start:
            start, end = end, start
        Role.objects.create(
            person=self.people[holder],
            title="Envoy",
            on_behalf_of=None if principal is None else self.people[principal],
            start_date=start,
            end_date=end,
        )

    def apply(self, change):
        action, *rest = change
        statements = list(Statement.objects.order_by("pk"))
        roles = list(Role.objects.order_by("pk"))
        if action == "add statement":
            self.add_statement(rest[0])
        elif action == "redate statement" and statements:
            picked = statements[rest[0] % len(statements)]
            if picked.date is not None:
                picked.date = rest[1]
                picked.save()
        elif action == "delete statement" and statements:
            statements[rest[0] % len(statements)].delete()
        elif action == "end role" and roles:
            picked = roles[rest[0] % len(roles)]
            if rest[1] is None or picked.start_date is None or rest[1] >= picked.start_date:
                picked.end_date = rest[1]
                picked.save()
        elif action == "add role":
            self.add_role(rest[0])
        elif action == "move meeting":
            picked = self.meetings[rest[0]]
            picked.start_date, picked.place = rest[1], rest[2]
            picked.save()
        elif action == "add participant":
            meeting_, person_ = self.meetings[rest[0]], self.people[rest[1]]
            if not Participant.objects.filter(meeting=meeting_, person=person_).exists():
                Participant.objects.create(meeting=meeting_, person=person_)
        elif action == "rename":
            picked = self.people[rest[0]]
            picked.name = f"{picked.name}."
            picked.save()
        elif action == "flag":
            low, high = sorted([self.claims[rest[0]].pk or 0, self.claims[rest[1]].pk or 0])
            alive = {claim.pk for claim in self.claims if claim.pk is not None}
            if low != high and {low, high} <= alive:
                pair = Contradiction.objects.between(low, high)
                if not pair.exists():
                    Contradiction.objects.create(claim_a_id=low, claim_b_id=high, kind="role")
        elif action == "delete claim":
            picked = self.claims[rest[0]]
            if picked.pk is not None:
                picked.delete()


def found():
    return sorted(
        ContradictionSuggestion.objects.values_list(
            "claim_a", "claim_b", "rule", "explanation", "status"
        )
    )


def a_day_ago():
    """Move what happened so far a day back: the edits that follow are "since the last run"."""
    yesterday = datetime.timedelta(days=1)
    with rewriting_history():
        for model in TRACKED:
            model.history.update(history_date=F("history_date") - yesterday)
    SuggestionRun.objects.update(started_at=F("started_at") - yesterday)


def refused_or_done(change, shape):
    """Make a change; one the desk's rules refuse (a duplicate) is left out, as for an editor."""
    try:
        with transaction.atomic():
            change(shape)
    except IntegrityError:
        pass


class Rollback(Exception):
    pass


@settings(
    max_examples=int(os.environ.get("FACTDESK_EXAMPLES", "25")),
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking: it takes minutes
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    statements=st.lists(statement, min_size=4, max_size=14),
    roles=st.lists(role, min_size=1, max_size=5),
    edits=st.lists(edit, min_size=1, max_size=6),
)
def test_an_incremental_run_finds_what_a_full_run_finds(statements, roles, edits):
    with pytest.raises(Rollback), transaction.atomic():
        desk = Desk()
        for build, shapes in [(desk.add_role, roles), (desk.add_statement, statements)]:
            for shape in shapes:
                refused_or_done(build, shape)
        perform_run(SuggestionRun.objects.create(full=True).pk)
        a_day_ago()
        for change in edits:
            refused_or_done(desk.apply, change)

        try:
            with transaction.atomic():
                refresh_suggestions()
                full = found()
                raise Rollback
        except Rollback:
            pass
        run = perform_run(SuggestionRun.objects.create().pk)

        assert not run.full
        assert found() == full
        raise Rollback
