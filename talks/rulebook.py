"""Who may do what on the desk: the editorial roles, their permissions, and each refusal.

Three roles, made as groups by migration 0006 from ``ROLES`` below (a change to ``ROLES`` needs
a migration of its own, running 0006's code again, for desks that ran 0006 already):

- a *contributor* adds and edits drafts, sources, people, meetings and statements, and flags
  contradictions;
- an *editor* also reviews claims and sets their verdicts, edits published claims, confirms or
  dismisses contradictions and imports fixtures;
- a *chief editor* also publishes and retracts claims, resolves contradictions, deletes
  and restores records, and registers the partners the desk notifies of each publication
  and correction.

Every path that writes asks the questions here: the admin's forms, actions, inlines and
permissions, the link models' own pages, the history revert (a change from the record as it
stands to the version's values), restore, the contradiction decisions, the suggestion run, the
import. Each question takes the user and the change, judged from the record as it stands to
what it would become, and answers with the refusal to show, or "" when the change may go
ahead. A user of None is a management command run without ``--user``: the operator's own,
refused nothing.

Each model answers through its ``editorial_refusal(user, changes)`` (``sources.records``),
which asks the question here that fits it:

- a claim: ``claim_change_refusal``; a contradiction: ``contradiction_change_refusal``;
- a link row (a citation, a person a claim is about, a statement, an alias...) is added,
  changed, removed and restored under the rule of the record it belongs to (its model's
  ``record_field``): a published claim's citations are as closed to contributors as its text;
- a proposed statement is accepted, corrected or rejected by whoever may write the claim's
  statements (``proposal_decision_refusal``);
- suggestions and import runs are written by the desk itself (the suggestion run, the
  import) and decided through their own steps: nobody edits, reverts or restores them by
  hand (``NOT_BY_HAND``);
- everything else, sources, people, meetings and their links, by the role's permissions.

Restoring a deleted row takes the right to delete the record it belongs to; a deleted record
comes back only through Restore, never by a revert.

This module reads no model (the models ask it), so the records it judges come in as
arguments.
"""

REVIEW_CLAIM = "talks.review_claim"
PUBLISH_CLAIM = "talks.publish_claim"
FLAG_CONTRADICTION = "talks.add_contradiction"
DECIDE_CONTRADICTION = "talks.decide_contradiction"
RESOLVE_CONTRADICTION = "talks.resolve_contradiction"
RUN_IMPORT = "talks.run_import"
DECIDE_SOURCE_CHANGE = "sources.decide_sourcechange"

# --- The roles' permissions, as migration 0006 grants them -------------------------------------

# The desk's records a contributor adds and edits (drafts only, for claims: see
# claim_change_refusal), and the link rows they may also remove from a record.
RECORDS = [
    "sources.source",
    "talks.person",
    "talks.role",
    "talks.meeting",
    "talks.claim",
]
LINKS = [
    "sources.sourcebasis",
    "talks.personalias",
    "talks.rolecitation",
    "talks.participant",
    "talks.meetingcitation",
    "talks.claimsubject",
    "talks.citation",
    "talks.statement",
]
# Each grant is "app_label.model:action", the action a default permission (view, add, change,
# delete) or a permission of the model's Meta.permissions.
ROLES = {
    "Contributor": [
        *(f"{label}:{action}" for label in RECORDS for action in ("view", "add", "change")),
        *(f"{label}:{action}" for label in LINKS for action in ("view", "add", "change", "delete")),
        "talks.contradiction:view",
        "talks.contradiction:add",
        "talks.contradictionsuggestion:view",
        "talks.sourcingsuggestion:view",
        "talks.importrun:view",
        # The archive's copies of cited pages and the changes outlets made to them.
        "sources.capture:view",
        "sources.sourcechange:view",
        "talks.rejectedproposal:view",
    ],
}
ROLES["Editor"] = [
    *ROLES["Contributor"],
    "talks.contradiction:change",
    "talks.claim:review_claim",
    "talks.contradiction:decide_contradiction",
    "talks.importrun:run_import",
    "sources.sourcechange:decide_sourcechange",
]
ROLES["Chief editor"] = [
    *ROLES["Editor"],
    "talks.claim:publish_claim",
    "talks.contradiction:resolve_contradiction",
    *(f"{label}:delete" for label in [*RECORDS, "talks.contradiction"]),
    # Partners' notification addresses (talks.notifications) and the log of what was sent.
    *(f"talks.subscription:{action}" for action in ("view", "add", "change", "delete")),
    "talks.delivery:view",
]


def _refused(user, permission, message):
    return message if user is not None and not user.has_perm(permission) else ""


# --- Claims ------------------------------------------------------------------------------------


def _decided_by_chief_editors(claim):
    """The statuses a chief editor moves a claim into or out of: published and retracted."""
    return {claim.Status.PUBLISHED, claim.Status.RETRACTED}


# Changes to these fields of a published claim are corrections that readers see, with the
# reason the editor gave; so are changes to the quotes of its citations.
PUBLIC_FIELDS = {"text", "verdict", "verdict_rationale", "status"}
PUBLIC_CITATION_FIELDS = {"quote"}


def claim_change_refusal(user, current, changes):
    """Why ``user`` may not change the claim ``current`` (unsaved when new) by ``changes``
    (field name to new value), or "".

    Contributors draft and submit for review; editors also set verdicts and edit published
    claims; chief editors publish and retract, and undo either (an un-publication or an
    un-retraction is a status move like the others).
    """
    decided = _decided_by_chief_editors(current)
    new_status = changes.get("status", current.status)
    status_moves = new_status != current.status and {new_status, current.status} & decided
    if status_moves and not user.has_perm(PUBLISH_CLAIM):
        return "Only a chief editor can publish or retract a claim."
    if {"verdict", "verdict_rationale"} & set(changes) and not user.has_perm(REVIEW_CLAIM):
        return "Only an editor can set a claim's verdict."
    if current.pk:
        return published_claim_refusal(user, current)
    return ""


def published_claim_refusal(user, claim):
    """Why ``user`` may not edit ``claim`` at all, nor its citations, people and statements:
    a published or retracted claim is edited by editors only."""
    if claim.status in _decided_by_chief_editors(claim) and not user.has_perm(REVIEW_CLAIM):
        return (
            "A published or retracted claim, with its citations, people and statements, "
            "is edited by editors only."
        )
    return ""


def correction_explanation(claim, changed_fields):
    """Why a change to these fields of ``claim`` must give a reason, or "": readers see it in
    the claim's corrections log, with the reason."""
    return _correction(claim, PUBLIC_FIELDS & set(changed_fields), "its text, verdict or status")


def citation_correction_explanation(claim, changed_fields):
    """Why a change to these fields of a citation of ``claim`` must give a reason, or ""."""
    return _correction(claim, PUBLIC_CITATION_FIELDS & set(changed_fields), "a quote")


def _correction(claim, public_changes, what):
    if claim.status != claim.Status.PUBLISHED or not public_changes:
        return ""
    return (
        f"“{claim.excerpt()}” is published: say why {what} changes. "
        "The reason is shown to readers in its corrections log."
    )


def verdict_change_refusal(user):
    """Why ``user`` may not change a claim's verdict on the way (resolving a contradiction)."""
    return _refused(user, REVIEW_CLAIM, "Your role does not allow you to change a claim's verdict.")


# Rows the desk writes itself and decides through their own steps (a suggestion is flagged or
# dismissed, an import run records an import, a rejected proposal records a rejection): their
# admins offer no form, so nobody edits, reverts or restores them by hand.
# The archive's captures and the changes it finds (a change is confirmed or dismissed) too.
NOT_BY_HAND = [
    "talks.contradictionsuggestion",
    "talks.sourcingsuggestion",
    "talks.importrun",
    "talks.rejectedproposal",
    "sources.capture",
    "sources.sourcechange",
]

# --- Contradictions and suggestions ------------------------------------------------------------

# What the decisions on a contradiction write: nobody changes these but by a decision, or by
# undoing one, which takes the permission the decision took.
DECISION_FIELDS = {"status", "prevailing_claim", "resolution_note", "resolved_by", "resolved_at"}

# Each decision on a contradiction: the permission it takes, and the step as a refusal names it.
DECISIONS = {
    "confirm": (DECIDE_CONTRADICTION, "confirm contradictions"),
    "dismiss": (DECIDE_CONTRADICTION, "dismiss contradictions"),
    "resolve": (RESOLVE_CONTRADICTION, "resolve contradictions"),
}


def flag_refusal(user):
    """Why ``user`` may not flag two claims as contradicting (or flag a suggestion)."""
    return _refused(
        user, FLAG_CONTRADICTION, "Your role does not allow you to flag contradictions."
    )


def decision_refusal(user, transition):
    """Why ``user`` may not confirm, dismiss or resolve (``transition``) a contradiction."""
    permission, step = DECISIONS[transition]
    return _refused(user, permission, f"Your role does not allow you to {step}.")


def contradiction_change_refusal(user, current, changes):
    """Why ``user`` may not change the contradiction ``current`` by ``changes``, or "".

    Its kind and note are edited by whoever may change contradictions (editors); its decision
    moves only by confirming, dismissing and resolving, or back by undoing one (a revert):
    a resolution is a chief editor's to make and to undo, a confirmation or a dismissal an
    editor's. A new contradiction starts open: one made already decided (an import) takes
    the decision's permission.
    """
    if not DECISION_FIELDS & set(changes):
        return ""
    statuses = {current.status, changes.get("status", current.status)}
    if current.Status.RESOLVED in statuses:
        return _refused(
            user,
            RESOLVE_CONTRADICTION,
            "Only a chief editor can resolve a contradiction or undo its resolution.",
        )
    return _refused(
        user,
        DECIDE_CONTRADICTION,
        "Only an editor can confirm or dismiss a contradiction, or undo that decision.",
    )


def suggestion_change_refusal(user, changes):
    """Why ``user`` may not change a suggestion by ``changes``: its decision (flagged or
    dismissed, by whom, when) is an editor's, like dismissing it."""
    if {"status", "decided_by", "decided_at"} & set(changes):
        return suggestion_dismissal_refusal(user)
    return ""


def suggestion_run_refusal(user):
    """Why ``user`` may not run the suggestion rules: what they find is an editor's to
    decide."""
    return _refused(
        user, DECIDE_CONTRADICTION, "Your role does not allow you to run the suggestion rules."
    )


def suggestion_dismissal_refusal(user):
    """Why ``user`` may not set a suggestion aside (a contradiction's or a sourcing check's)."""
    return _refused(
        user, DECIDE_CONTRADICTION, "Your role does not allow you to dismiss suggestions."
    )


# --- Changes outlets made to cited pages -------------------------------------------------------


def source_change_decision_refusal(user):
    """Why ``user`` may not confirm or dismiss a change the archive found in a cited page: a
    confirmed one is told to readers on the source's page, so it is an editor's to decide."""
    return _refused(
        user,
        DECIDE_SOURCE_CHANGE,
        "Only an editor can confirm or dismiss a change to a cited page.",
    )


# --- Proposed statements -----------------------------------------------------------------------

DECIDE_PROPOSAL = "talks.change_statement"


def proposal_decision_refusal(user, claim):
    """Why ``user`` may not accept, correct or reject a statement the desk proposed for
    ``claim``: deciding is writing the claim's statements, so it takes what writing them by
    hand takes (a published claim's are its editors')."""
    return _refused(
        user, DECIDE_PROPOSAL, "Your role does not allow you to decide on proposed statements."
    ) or (published_claim_refusal(user, claim) if user is not None else "")


# --- Imports -----------------------------------------------------------------------------------


def import_refusal(user):
    """Why ``user`` may not import fixtures at all."""
    return _refused(user, RUN_IMPORT, "Your role does not allow importing fixtures.")


# --- Logins ------------------------------------------------------------------------------------


def two_factor_required(user):
    """Whether ``user`` must confirm each login with a second factor (talks/two_factor.py):
    whoever may review claims, so editors, chief editors and superusers, whose phished
    password alone would let anyone set verdicts and publish. Contributors may turn it on."""
    return user.is_superuser or user.has_perm(REVIEW_CLAIM)
