"""Every write path of the admin × each editorial role × each rule: allowed or refused as the
rulebook says (issue 13).

The paths are generated from the admin itself: every tracked model's revert and restore; for
every row the rulebook judges beyond the permissions (a claim and its rows, a contradiction,
suggestions and import runs) its change page, delete page, bulk delete and add page too (the
other models' stock pages are judged at the permission each asks); the inlines of every
record, and the desk's own write views. The answer each path must give comes from the
rulebook alone: the role's grants (``rulebook.ROLES``), the rows nobody changes by hand
(``NOT_BY_HAND``) and the record's rule (its ``editorial_refusal``), never from the path's
code. A model or an admin URL the matrix does not know fails
``test_the_matrix_knows_every_model_and_every_admin_url``.

Each path is set up once and run as each role in a savepoint rolled back after it; whether it
was allowed is read from the database (the change happened, or not), and no path may answer
with a server error.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from sources.admin.tracked import TrackedAdmin, delete_with_reason
from sources.models import Capture, SourceBasis, SourceChange
from sources.records import TimestampedModel
from talks import rulebook
from talks.models import (
    Citation,
    Claim,
    ClaimSubject,
    Contradiction,
    ContradictionSuggestion,
    ImportRun,
    MeetingCitation,
    Participant,
    PersonAlias,
    RejectedProposal,
    Role,
    RoleCitation,
    SourcingSuggestion,
    Statement,
    Subscription,
)

from .admin_forms import changeform_data, inline_prefix, inline_row_index
from .conftest import make_claim, make_meeting, make_person, make_source
from .logins import log_in_verified

pytestmark = pytest.mark.django_db

ROLES = ["Contributor", "Editor", "Chief editor"]
DAY = datetime.date(2025, 12, 2)


# --- What the rulebook says ------------------------------------------------------------------


def granted(role, model, action):
    """Whether migration 0006 grants ``role`` the ``action`` permission on ``model``."""
    return f"{model._meta.label_lower}:{action}" in rulebook.ROLES[role]


def record_model(model):
    """The model whose rules a row follows: its record's, for a link row."""
    name = getattr(model, "record_field", None)
    return model._meta.get_field(name).related_model if name else model


def rulebook_allows(role, user, action, obj, changes):
    """The rulebook's answer for ``role`` doing ``action`` to ``obj`` by ``changes``."""
    model = type(obj)
    if model._meta.label_lower in rulebook.NOT_BY_HAND:
        return False
    if action == "restore":
        return granted(role, record_model(model), "delete") and not obj.editorial_refusal(user, {})
    return granted(role, model, action) and not obj.editorial_refusal(user, changes)


# --- One row of every tracked model, in each state its rules tell apart ----------------------


def claim_in(state):
    return make_claim(
        text=f"A {state} claim.",
        **{
            "draft": {},
            "published": {"status": "published", "verdict": "accurate"},
            "retracted": {"status": "retracted", "verdict": "false"},
            "resolved": {},
        }[state],
    )


def capture(source=None):
    return Capture.objects.create(
        source=source or make_source(),
        url="https://example.org/page",
        status="captured",
        text="The talks lasted nearly five hours.",
        sha256="0" * 64,
    )


def source_change(state=None):
    before = capture()
    return SourceChange.objects.create(
        source=before.source, before=before, after=capture(before.source), kind="changed"
    )


SPECIMENS = {
    "sources.source": lambda state: make_source(),
    "sources.capture": lambda state: capture(),
    "sources.sourcechange": source_change,
    "sources.sourcebasis": lambda state: SourceBasis.objects.create(
        source=make_source(), basis=make_source()
    ),
    "talks.person": lambda state: make_person(),
    "talks.personalias": lambda state: PersonAlias.objects.create(
        person=make_person(), name="Zelenskyi"
    ),
    "talks.role": lambda state: Role.objects.create(person=make_person(), title="Envoy"),
    "talks.rolecitation": lambda state: RoleCitation.objects.create(
        role=Role.objects.create(person=make_person(), title="Envoy"),
        source=make_source(),
        quote="Special Envoy",
    ),
    "talks.meeting": lambda state: make_meeting(),
    "talks.participant": lambda state: Participant.objects.create(
        meeting=make_meeting(), person=make_person()
    ),
    "talks.meetingcitation": lambda state: MeetingCitation.objects.create(
        meeting=make_meeting(), source=make_source(), quote="They met."
    ),
    "talks.claim": claim_in,
    "talks.claimsubject": lambda state: ClaimSubject.objects.create(
        claim=claim_in(state), person=make_person()
    ),
    "talks.citation": lambda state: Citation.objects.create(
        claim=claim_in(state), source=make_source(), quote="Nearly five hours."
    ),
    "talks.statement": lambda state: Statement.objects.create(
        claim=claim_in(state), kind="meeting_date", meeting=make_meeting(), date=DAY
    ),
    "talks.contradiction": lambda state: Contradiction.objects.create(
        claim_a=claim_in("draft"), claim_b=claim_in("draft"), kind="role"
    ),
    "talks.contradictionsuggestion": lambda state: ContradictionSuggestion.objects.create(
        claim_a=claim_in("draft"), claim_b=claim_in("draft"), rule="role", explanation="Found."
    ),
    "talks.sourcingsuggestion": lambda state: SourcingSuggestion.objects.create(
        claim=claim_in("published"), rule="one_unnamed_origin", explanation="Found."
    ),
    "talks.importrun": lambda state: ImportRun.objects.create(
        started_at=timezone.now(), channel="command", reason="Nightly"
    ),
    "talks.subscription": lambda state: Subscription.objects.create(
        name="A partner desk", url=f"https://partner.example.org/{make_source().pk}"
    ),
    "talks.rejectedproposal": lambda state: RejectedProposal.objects.create(
        claim=claim_in(state), fingerprint="kind=attended;person=1", statement="A attended B"
    ),
}

# The states each model's rules tell apart: a claim's rows follow the claim's status.
STATES = {"talks.claim": ["draft", "published"]}
for label in ("talks.claimsubject", "talks.citation", "talks.statement"):
    STATES[label] = ["draft", "published"]

# An ordinary edit of each model, for its change page, its revert and its inlines.
EDITS = {
    "sources.source": lambda obj: {"title": "Retitled report"},
    "sources.capture": lambda obj: {"text": "Rewritten."},
    "sources.sourcechange": lambda obj: {"note": "Rewritten."},
    "sources.sourcebasis": lambda obj: {"note": "Relays the readout."},
    "talks.person": lambda obj: {"description": "An envoy."},
    "talks.personalias": lambda obj: {"name": "Zelenskiy"},
    "talks.role": lambda obj: {"note": "Appointed in November."},
    "talks.rolecitation": lambda obj: {"location": "paragraph 2"},
    "talks.meeting": lambda obj: {"place": "Geneva"},
    "talks.participant": lambda obj: {"note": "Arrived late."},
    "talks.meetingcitation": lambda obj: {"location": "paragraph 2"},
    "talks.claim": lambda obj: {"text": "FABRICATED CLAIM."},
    "talks.claimsubject": lambda obj: {"person": make_person()},
    "talks.citation": lambda obj: {"quote": "FABRICATED QUOTE"},
    "talks.statement": lambda obj: {"date": DAY + datetime.timedelta(days=1)},
    "talks.contradiction": lambda obj: {"note": "Both cannot hold."},
    "talks.contradictionsuggestion": lambda obj: {"explanation": "Rewritten."},
    "talks.sourcingsuggestion": lambda obj: {"explanation": "Rewritten."},
    "talks.importrun": lambda obj: {"reason": "Rewritten."},
    "talks.subscription": lambda obj: {"name": "Another partner desk"},
    "talks.rejectedproposal": lambda obj: {"reason": "Rewritten."},
}


@dataclass
class Rule:
    """A change the rulebook judges, from a row in ``start`` (set on a fresh specimen)."""

    label: str
    name: str
    start: dict
    changes: dict
    paths: tuple = ("change page", "revert")
    state: str = "draft"


RESOLVED = {
    "status": "resolved",
    "prevailing_claim": lambda contradiction: contradiction.claim_a,
    "resolution_note": "Settled.",
    "resolved_at": timezone.now(),
}
RULES = [
    Rule("talks.claim", "publish", {}, {"status": "published", "verdict": "accurate"}),
    Rule("talks.claim", "set a verdict", {}, {"verdict": "false"}),
    Rule(
        "talks.claim",
        "unpublish",
        {"status": "published", "verdict": "accurate"},
        {"status": "draft"},
    ),
    Rule(
        "talks.claim",
        "un-retract",
        {"status": "retracted", "verdict": "accurate"},
        {"status": "published"},
    ),
    Rule(
        "talks.contradiction",
        "undo a resolution",
        RESOLVED,
        {"status": "open", "prevailing_claim": None, "resolution_note": "", "resolved_at": None},
        paths=("revert",),  # its decision is not on the change page; decisions are below
    ),
    Rule(
        "talks.contradiction",
        "undo a confirmation",
        {"status": "confirmed"},
        {"status": "open"},
        paths=("revert",),
    ),
]


def specimen(label, state="draft", start=None):
    obj = SPECIMENS[label](state)
    if start:
        apply(obj, start)
    return obj


def apply(obj, values):
    for name, value in values.items():
        setattr(obj, name, value(obj) if callable(value) else value)
    obj._change_reason = "The matrix's set-up"
    obj.save()


def form_value(value):
    if hasattr(value, "pk"):
        return value.pk
    return "" if value is None else str(value)


def has_values(obj, values):
    fresh = type(obj)._base_manager.filter(pk=obj.pk).first()
    return fresh is not None and all(
        getattr(fresh, name) == value for name, value in values.items()
    )


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


# --- The paths --------------------------------------------------------------------------------


@dataclass
class Outcome:
    role: str
    allowed: bool
    expected: bool
    status: int
    where: str


class Desk:
    """A superuser to read each form as it is offered, and a client per role."""

    def __init__(self, django_user_model):
        self.chief_of_staff = Client()
        log_in_verified(
            self.chief_of_staff,
            django_user_model.objects.create_superuser("matrix-admin", "m@example.org", "pw"),
        )
        self.clients, self.users = {}, {}
        for role in ROLES:
            user = django_user_model.objects.create_user(f"matrix-{role}", is_staff=True)
            user.groups.add(Group.objects.get(name=role))
            client = Client()
            log_in_verified(client, user)
            self.clients[role], self.users[role] = client, user

    def run(self, where, post, effect, expected):
        """POST as each role, each in a savepoint rolled back after: what happened, against
        what the rulebook says (``expected``: role and user to a yes or no)."""
        outcomes = []
        for role in ROLES:
            with transaction.atomic():
                response = post(self.clients[role])
                allowed = effect()
                transaction.set_rollback(True)
            assert response.status_code != 500, f"{where} as {role}: a server error"
            outcomes.append(
                Outcome(
                    role, allowed, expected(role, self.users[role]), response.status_code, where
                )
            )
        return outcomes


def change_page_path(desk, obj, changes):
    url = admin_url(type(obj), "change", obj.pk)
    data = changeform_data(desk.chief_of_staff.get(url))
    data.update({name: form_value(value) for name, value in changes.items()})
    data["change_reason"] = "The matrix"
    return lambda client: client.post(url, data)


def revert_path(desk, obj, changes):
    """``obj`` saved with ``changes`` (the version), then back as it was: the revert is the
    change again."""
    before = {name: getattr(obj, name) for name in changes}
    apply(obj, changes)
    version = obj.history.latest()
    apply(obj, before)
    url = admin_url(type(obj), "simple_history", obj.pk, version.history_id)
    page = desk.chief_of_staff.get(url)
    data = changeform_data(page) if "adminform" in page.context else {}
    data["change_reason"] = "The matrix"
    return lambda client: client.post(url, data)


def inline_path(desk, obj, parent_field, changes):
    parent = getattr(obj, parent_field)
    url = admin_url(type(parent), "change", parent.pk)
    page = desk.chief_of_staff.get(url)
    data = changeform_data(page)
    prefix = inline_prefix(page, type(obj))
    row = inline_row_index(data, prefix, obj)
    data.update({f"{prefix}-{row}-{name}": form_value(v) for name, v in changes.items()})
    data["change_reason"] = "The matrix"
    return lambda client: client.post(url, data)


def add_path(desk, obj):
    """The add page filled in with the values of ``obj``, deleted first to free them."""
    model = type(obj)
    page = desk.chief_of_staff.get(admin_url(model, "add"))
    data = changeform_data(page)
    names = {f.name for f in model._meta.fields}
    data.update(
        (name, form_value(getattr(obj, name)))
        for name in page.context["adminform"].form.fields
        if name in names
    )
    obj.delete()
    return lambda client: client.post(admin_url(model, "add"), data)


def tracked_models():
    return [m for m, a in admin.site._registry.items() if isinstance(a, TrackedAdmin)]


def inlines():
    """(parent field, link model) of every inline of a tracked admin."""
    found = []
    for model in tracked_models():
        for inline in admin.site.get_model_admin(model).inlines:
            fk = next(
                f
                for f in inline.model._meta.fields
                if f.is_relation and f.related_model is model and f.name != "on_behalf_of"
            )
            found.append((fk.name, inline.model))
    return found


def allows(action, obj, changes):
    """The rulebook's answer for a role and its user, as ``Desk.run`` asks it."""
    return lambda role, user: rulebook_allows(role, user, action, obj, changes)


def walk(desk):
    """Every path of the matrix, as each role: a list of ``Outcome``."""
    outcomes = []
    for model in tracked_models():
        label = model._meta.label_lower
        for state in STATES.get(label, ["draft"]):
            outcomes += model_paths(desk, model, label, state)
    for parent_field, link in inlines():
        label = link._meta.label_lower
        for state in STATES.get(label, ["draft"]):
            obj = specimen(label, state)
            changes = EDITS[label](obj)
            parent = type(getattr(obj, parent_field))
            outcomes += desk.run(
                f"inline {label} ({state}) on the {parent._meta.verbose_name}'s page",
                inline_path(desk, obj, parent_field, changes),
                lambda o=obj, c=changes: has_values(o, c),
                lambda role, user, o=obj, c=changes, p=parent: (
                    granted(role, p, "change") and rulebook_allows(role, user, "change", o, c)
                ),
            )
    for rule in RULES:
        for path in rule.paths:
            with transaction.atomic():
                obj = specimen(rule.label, rule.state, rule.start)
                build = change_page_path if path == "change page" else revert_path
                outcomes += desk.run(
                    f"{path}: {rule.name} ({rule.label})",
                    build(desk, obj, rule.changes),
                    lambda o=obj, c=rule.changes: has_values(o, c),
                    allows("change", obj, rule.changes),
                )
                transaction.set_rollback(True)
    return outcomes + desk_views(desk)


def has_rules_of_its_own(model):
    """Whether the rulebook judges rows of ``model`` (or of its record) beyond the role's
    permissions: a claim and its rows, a contradiction, what nobody changes by hand."""
    if model._meta.label_lower in rulebook.NOT_BY_HAND:
        return True
    judged = getattr(record_model(model), "editorial_refusal", None)
    return judged is not TimestampedModel.editorial_refusal


def model_paths(desk, model, label, state):
    """The revert and the restore of one row, as each role. For a row the rulebook judges
    beyond the permissions, its change page, delete page, bulk delete and add page too; for
    the others, those stock pages are judged at the gate each asks (``gates``)."""
    obj = specimen(label, state)
    changes = EDITS[label](obj)
    where = f"{label} ({state})"
    changed = lambda: has_values(obj, changes)  # noqa: E731
    gone = lambda: not model._base_manager.filter(pk=obj.pk).exists()  # noqa: E731
    with transaction.atomic():
        outcomes = desk.run(
            f"revert of {where}",
            revert_path(desk, obj, changes),
            changed,
            allows("change", obj, changes),
        )
        transaction.set_rollback(True)
    with transaction.atomic():
        expected = allows("restore", obj, {})
        pk = obj.pk
        delete_with_reason(model._base_manager.get(pk=pk), "The matrix's set-up")
        outcomes += desk.run(
            f"restore of {where}",
            lambda client: client.post(admin_url(model, "restore", pk)),
            lambda: model._base_manager.filter(pk=pk).exists(),
            expected,
        )
        transaction.set_rollback(True)
    if not has_rules_of_its_own(model):
        return outcomes + gates(desk, model, obj, where)
    outcomes += desk.run(
        f"change page of {where}",
        change_page_path(desk, obj, changes),
        changed,
        allows("change", obj, changes),
    )
    outcomes += desk.run(
        f"delete page of {where}",
        lambda client: client.post(admin_url(model, "delete", obj.pk), {"post": "yes"}),
        gone,
        allows("delete", obj, {}),
    )
    outcomes += desk.run(
        f"bulk delete of {where}",
        lambda client: client.post(
            admin_url(model, "changelist"),
            {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
        ),
        gone,
        allows("delete", obj, {}),
    )
    if label in rulebook.NOT_BY_HAND:
        return outcomes  # their rows come from the suggestion run and the import
    with transaction.atomic():
        count = model._base_manager.count()
        new = specimen(label, state)
        expected = allows("add", model(), _as_changes(new))
        outcomes += desk.run(
            f"add page of {where}",
            add_path(desk, new),
            lambda: model._base_manager.count() == count + 1,
            expected,
        )
        transaction.set_rollback(True)
    return outcomes


def gates(desk, model, obj, where):
    """What the change, delete and add pages of a row that only its permissions govern ask
    the admin first (Django's own views ask these methods), against the rulebook."""
    model_admin = admin.site.get_model_admin(model)
    outcomes = []
    for role, user in desk.users.items():
        request = RequestFactory().get("/admin/")
        request.user = user
        for action, answer in [
            ("change", model_admin.has_change_permission(request, obj)),
            ("delete", model_admin.has_delete_permission(request, obj)),
            ("add", model_admin.has_add_permission(request)),
        ]:
            target = obj if action != "add" else model()
            expected = rulebook_allows(role, user, action, target, {})
            outcomes.append(Outcome(role, answer, expected, 0, f"{action} gate of {where}"))
    return outcomes


def _as_changes(new):
    """A new row as the change that creates it: the fields it fills in."""
    blank = type(new)()
    return {
        f.name: getattr(new, f.attname)
        for f in new._meta.concrete_fields
        if f.editable and getattr(new, f.attname) != getattr(blank, f.attname)
    }


# --- The desk's own write views: decisions, flags, the suggestion run, recording -------------


def desk_views(desk):
    outcomes = []

    def check(where, make, post, effect, needs, refusal=None):
        """``needs``: the grants (model, action) the rulebook asks of the step; ``refusal``:
        the rulebook's question of the record, when the step asks one."""
        with transaction.atomic():
            obj = make()
            outcomes.extend(
                desk.run(
                    where,
                    lambda client: post(client, obj),
                    lambda: effect(obj),
                    lambda role, user: (
                        all(granted(role, m, a) for m, a in needs)
                        and not (refusal and refusal(user, obj))
                    ),
                )
            )
            transaction.set_rollback(True)

    def contradiction():
        return specimen("talks.contradiction")

    def suggestion():
        return specimen("talks.contradictionsuggestion")

    def two_claims():
        return claim_in("draft"), claim_in("draft")

    for step, needs, done in [
        ("confirm", "decide_contradiction", "confirmed"),
        ("dismiss", "decide_contradiction", "dismissed"),
        ("resolve", "resolve_contradiction", "resolved"),
    ]:
        check(
            f"{step} a contradiction",
            contradiction,
            lambda client, obj, step=step: client.post(
                admin_url(Contradiction, step, obj.pk),
                {
                    "change_reason": "The matrix",
                    "prevailing_claim": obj.claim_a_id,
                    "resolution_note": "Settled.",
                },
            ),
            lambda obj, done=done: has_values(obj, {"status": done}),
            [(Contradiction, "change"), (Contradiction, needs)],
        )
    check(
        "flag two claims from the claim list",
        two_claims,
        lambda client, pair: client.post(
            admin_url(Claim, "changelist"),
            {
                "action": "flag_as_contradiction",
                "_selected_action": [claim.pk for claim in pair],
                "confirm": "1",
                "kind": "role",
                "note": "Both cannot hold.",
            },
        ),
        lambda pair: Contradiction.objects.exists(),
        [(Contradiction, "add")],
    )
    check(
        "flag from a claim's page",
        two_claims,
        lambda client, pair: client.post(
            admin_url(Claim, "flag_contradiction", pair[0].pk),
            {"other_claim": pair[1].pk, "kind": "role", "note": "Both cannot hold."},
        ),
        lambda pair: Contradiction.objects.exists(),
        [(Contradiction, "add")],
    )
    for step, done in [("confirm", "confirmed"), ("dismiss", "dismissed")]:
        check(
            f"{step} a change to a cited page",
            source_change,
            lambda client, obj, step=step: client.post(
                admin_url(SourceChange, step, obj.pk), {"note": "The matrix"}
            ),
            lambda obj, done=done: has_values(obj, {"status": done}),
            [(SourceChange, "decide_sourcechange")],
        )
    check(
        "flag a suggestion",
        suggestion,
        lambda client, obj: client.post(admin_url(ContradictionSuggestion, "flag", obj.pk)),
        lambda obj: Contradiction.objects.exists(),
        [(Contradiction, "add")],
    )
    check(
        "dismiss a suggestion",
        suggestion,
        lambda client, obj: client.post(admin_url(ContradictionSuggestion, "dismiss", obj.pk)),
        lambda obj: has_values(obj, {"status": "dismissed"}),
        [(Contradiction, "decide_contradiction")],
    )
    check(
        "dismiss a sourcing check",
        lambda: specimen("talks.sourcingsuggestion"),
        lambda client, obj: client.post(admin_url(SourcingSuggestion, "dismiss", obj.pk)),
        lambda obj: has_values(obj, {"status": "dismissed"}),
        [(Contradiction, "decide_contradiction")],
    )
    check(
        "run the suggestion rules",
        lambda: None,
        lambda client, obj: client.post(admin_url(ContradictionSuggestion, "run")),
        lambda obj: _ran_suggestions(),
        [(Contradiction, "decide_contradiction")],
    )
    for state in ("draft", "published"):
        for decision, done in [
            ("accept", lambda obj: has_values(obj, {"status": "accepted"})),
            ("reject", lambda obj: RejectedProposal.objects.filter(claim=obj.claim).exists()),
        ]:
            check(
                f"{decision} a {state} claim's proposed statement",
                lambda state=state: Statement.objects.create(
                    claim=claim_in(state),
                    kind="meeting_date",
                    meeting=make_meeting(),
                    date=DAY,
                    status="proposed",
                ),
                lambda client, obj, decision=decision: client.post(
                    admin_url(Claim, "decide_proposal", obj.claim_id, obj.pk),
                    {"decision": decision, "reason": "The matrix"},
                ),
                done,
                [(Statement, "change")],
                lambda user, obj: rulebook.proposal_decision_refusal(user, obj.claim),
            )
    check(
        "record a claim from an article",
        make_person,
        lambda client, person: client.post(
            admin_url(Claim, "record"),
            {
                "new_source_url": "https://example.org/matrix",
                "new_source_title": "The matrix's article",
                "new_source_kind": "news_article",
                "text": "Recorded by the matrix.",
                "claimant": person.pk,
                "quote": "Recorded.",
                "relation": "originates",
                "status": "draft",
                "statements-TOTAL_FORMS": "0",
                "statements-INITIAL_FORMS": "0",
            },
        ),
        lambda person: Claim.objects.filter(text="Recorded by the matrix.").exists(),
        [(Claim, "add")],
    )
    return outcomes


def _ran_suggestions():
    """The admin's button queues a run for a worker: the run's record says it was asked."""
    from talks.models import SuggestionRun

    return SuggestionRun.objects.exists()


# Admin URLs that write, each with where the matrix walks it; and the pages that only read.
WRITE_VIEWS = {
    "change": "change page, inlines and rules",
    "add": "add page",
    "delete": "delete page",
    "changelist": "bulk delete and the claim list's flag action",
    "simple_history": "revert",
    "restore": "restore",
    "confirm": "desk views",
    "dismiss": "desk views",
    "resolve": "desk views",
    "flag": "desk views",
    "flag_contradiction": "desk views",
    "run": "desk views",
    "record": "desk views",
    "decide_proposal": "desk views",
    # Accepting a proposed spelling adds an alias: tests/test_spelling_proposals.py walks it
    # with the person's change permission and the alias's add permission.
    "accept_spelling": "tests/test_spelling_proposals.py",
}
# The claim as it stood at a moment (as_of) reads the history and writes nothing.
READ_VIEWS = {"history", "history_compare", "deleted", "as_of"}


# --- The tests -------------------------------------------------------------------------------


def test_the_matrix_knows_every_model_and_every_admin_url():
    for model in tracked_models():
        label = model._meta.label_lower
        assert label in SPECIMENS and label in EDITS, f"{label}: add it to the matrix"
        model_admin = admin.site.get_model_admin(model)
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        for pattern in model_admin.get_urls():
            if pattern.name:
                view = pattern.name.removeprefix(prefix)
                assert view in WRITE_VIEWS or view in READ_VIEWS, (
                    f"{pattern.name}: a new admin path; add it to the matrix"
                )
    untracked = [m for m in admin.site._registry if m not in tracked_models()]
    for model in untracked:  # logs and the site's own administration: read, never written
        for role in ROLES:
            for action in ("add", "change", "delete"):
                assert not granted(role, model, action), (
                    f"{role} may {action} {model._meta.label}, which no rule covers"
                )


def test_every_write_path_answers_each_role_as_the_rulebook_says(django_user_model):
    outcomes = walk(Desk(django_user_model))

    wrong = [
        f"{o.where} as {o.role}: {'allowed' if o.allowed else 'refused'} (status {o.status}), "
        f"the rulebook says {'allowed' if o.expected else 'refused'}"
        for o in outcomes
        if o.allowed != o.expected
    ]
    assert wrong == [], "\n".join(wrong)
    for role in ROLES:  # each role is both allowed and refused something
        assert {o.expected for o in outcomes if o.role == role} == {True, False}, role
