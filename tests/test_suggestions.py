"""The database proposes likely contradictions; editors flag or dismiss each one.

Each rule is tested with the smallest desk that shows it, and with the data it must leave
alone; then the seed's Biden-vs-Trump case is rediscovered from the seed's own statements
and roles, and the suggestion lifecycle (dismissed stays dismissed, flagged becomes a
contradiction, a run over unchanged data changes nothing) is checked end to end.
"""

import datetime
import subprocess
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from talks.exchange import import_fixtures
from talks.models import (
    Claim,
    Contradiction,
    ContradictionSuggestion,
    Participant,
    Role,
    Statement,
    SuggestionRun,
)
from talks.models.contradictions import ContradictionRefused
from talks.services import suggestion_runs
from talks.services.contradictions import dismiss_suggestion, flag_suggestion
from talks.services.suggestion_runs import refresh_suggestions
from talks.tasks import fail_tasks_of_lost_workers, run_suggestion_rules, worker_name

from .conftest import SEED_FIXTURE, make_claim, make_meeting, make_person, run_queued_tasks

pytestmark = pytest.mark.django_db

Rule, Status = ContradictionSuggestion.Rule, ContradictionSuggestion.Status
DEC_2 = datetime.date(2025, 12, 2)
DEC_3 = datetime.date(2025, 12, 3)
DEC_4 = datetime.date(2025, 12, 4)
INAUGURATION = datetime.date(2025, 1, 20)
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the near-duplicate rule needs pg_trgm"
)


def acts_for(claim, person, principal, day):
    return Statement.objects.create(
        claim=claim, kind=Statement.Kind.ACTS_FOR, person=person, on_behalf_of=principal, date=day
    )


def about_meeting(claim, meeting, kind, **fields):
    return Statement.objects.create(claim=claim, kind=kind, meeting=meeting, **fields)


@pytest.fixture
def presidents():
    """Biden in office until the inauguration, Trump from it; an envoy acting for Trump."""
    biden, trump = make_person(name="Joe Biden"), make_person(name="Donald Trump")
    title = "President of the United States"
    Role.objects.create(
        person=biden, title=title, start_date=datetime.date(2021, 1, 20), end_date=INAUGURATION
    )
    Role.objects.create(person=trump, title=title, start_date=INAUGURATION)
    envoy = make_person(name="Steve Witkoff")
    Role.objects.create(
        person=envoy, title="Special Envoy", on_behalf_of=trump, start_date=INAUGURATION
    )
    return biden, trump, envoy


def suggestions():
    return list(ContradictionSuggestion.objects.order_by("pk"))


# -- Role conflicts -------------------------------------------------------------------------


def test_a_person_acting_for_someone_their_role_does_not_serve_is_suggested(presidents):
    biden, trump, envoy = presidents
    wrong, right = make_claim(), make_claim()
    acts_for(wrong, envoy, biden, DEC_4)
    acts_for(right, envoy, trump, DEC_2)

    run = refresh_suggestions()

    (suggestion,) = suggestions()
    assert (suggestion.claim_a, suggestion.claim_b) == (wrong, right)
    assert (suggestion.rule, suggestion.status) == (Rule.ROLE, Status.PENDING)
    assert suggestion.explanation == (
        "Steve Witkoff acting for Joe Biden on 04 Dec 2025: the recorded role then, "
        "“Special Envoy” (2025-01-20 – now), is on behalf of Donald Trump; Joe Biden held no "
        "office that day (last: President of the United States, 2021-01-20 – 2025-01-20); the "
        "other claim has Steve Witkoff act for Donald Trump on 02 Dec 2025."
    )
    assert (run.created, run.pending) == (1, 1)


def test_acting_for_someone_who_held_no_office_is_suggested_without_a_recorded_role(
    presidents,
):
    biden, trump, _ = presidents
    adviser = make_person(name="Jared Kushner")  # no role recorded at all
    wrong, right = make_claim(), make_claim()
    acts_for(wrong, adviser, biden, DEC_4)
    acts_for(right, adviser, trump, DEC_2)

    refresh_suggestions()

    (suggestion,) = suggestions()
    assert (suggestion.claim_a, suggestion.claim_b) == (wrong, right)
    assert "recorded role" not in suggestion.explanation
    assert "Joe Biden held no office that day" in suggestion.explanation


def test_statements_the_record_backs_are_not_suggested(presidents):
    biden, trump, envoy = presidents
    aide = make_person(name="Biden's aide")
    Role.objects.create(person=aide, title="Adviser", on_behalf_of=biden, end_date=INAUGURATION)
    acts_for(make_claim(), envoy, trump, DEC_2)
    acts_for(make_claim(), envoy, trump, DEC_4)
    acts_for(make_claim(), aide, biden, datetime.date(2024, 6, 1))
    acts_for(make_claim(), aide, trump, DEC_2)  # no role, but Trump held office then

    refresh_suggestions()

    assert suggestions() == []


def test_a_wrong_statement_with_no_other_claim_to_set_against_is_not_suggested(presidents):
    biden, _, envoy = presidents
    acts_for(make_claim(), envoy, biden, DEC_4)

    refresh_suggestions()

    assert suggestions() == []


# -- Meeting conflicts ----------------------------------------------------------------------


def test_two_dates_for_one_meeting_are_suggested_against_the_recorded_one():
    moscow = make_meeting(title="Moscow talks", start_date=DEC_2)
    late, recorded = make_claim(), make_claim()
    about_meeting(late, moscow, Statement.Kind.MEETING_DATE, date=DEC_3)
    about_meeting(recorded, moscow, Statement.Kind.MEETING_DATE, date=DEC_2)

    refresh_suggestions()

    (suggestion,) = suggestions()
    assert (suggestion.claim_a, suggestion.claim_b, suggestion.rule) == (
        late,
        recorded,
        Rule.MEETING_DATE,
    )
    assert suggestion.explanation == (
        "Dates “Moscow talks” to 03 Dec 2025; the other claim dates it to 02 Dec 2025."
    )


def test_two_days_of_a_meeting_that_lasted_both_are_no_conflict():
    summit = make_meeting(title="Summit", start_date=DEC_2, end_date=DEC_4)
    about_meeting(make_claim(), summit, Statement.Kind.MEETING_DATE, date=DEC_2)
    about_meeting(make_claim(), summit, Statement.Kind.MEETING_DATE, date=DEC_3)

    refresh_suggestions()

    assert suggestions() == []


def test_two_places_for_one_meeting_are_suggested_but_a_narrower_name_is_not():
    moscow = make_meeting(title="Moscow talks", place="Moscow")
    miami = make_meeting(title="Miami talks", place="Miami, Florida")
    first, elsewhere = make_claim(), make_claim()
    about_meeting(first, moscow, Statement.Kind.MEETING_PLACE, place="Moscow")
    about_meeting(elsewhere, moscow, Statement.Kind.MEETING_PLACE, place="Minsk")
    about_meeting(make_claim(), miami, Statement.Kind.MEETING_PLACE, place="Miami, Florida")
    about_meeting(make_claim(), miami, Statement.Kind.MEETING_PLACE, place="miami")

    refresh_suggestions()

    (suggestion,) = suggestions()
    assert (suggestion.claim_a, suggestion.claim_b, suggestion.rule) == (
        elsewhere,
        first,
        Rule.MEETING_PLACE,
    )
    assert "in Minsk; the other claim places it in Moscow" in suggestion.explanation


def test_attended_against_did_not_attend_is_suggested_against_the_participant_record():
    moscow = make_meeting(title="Moscow talks")
    kushner = make_person(name="Jared Kushner")
    Participant.objects.create(meeting=moscow, person=kushner)
    absent, present = make_claim(), make_claim()
    about_meeting(absent, moscow, Statement.Kind.ABSENT, person=kushner)
    about_meeting(present, moscow, Statement.Kind.ATTENDED, person=kushner)
    about_meeting(make_claim(), moscow, Statement.Kind.ATTENDED, person=make_person())

    refresh_suggestions()

    (suggestion,) = suggestions()
    assert (suggestion.claim_a, suggestion.claim_b, suggestion.rule) == (
        absent,
        present,
        Rule.MEETING_PARTICIPANT,
    )
    assert suggestion.explanation == (
        "Says Jared Kushner did not attend “Moscow talks”; the other claim says they did."
    )


# -- Near-duplicates with opposite verdicts --------------------------------------------------


def rated(text, verdict):
    return make_claim(text=text, verdict=verdict)


@on_postgresql
def test_near_duplicate_claims_with_opposite_verdicts_are_suggested():
    accurate = rated("The peace plan now contains 20 points.", Claim.Verdict.ACCURATE)
    false = rated("The peace plan now contains 28 points.", Claim.Verdict.FALSE)
    rated("Talks in Moscow lasted nearly five hours.", Claim.Verdict.ACCURATE)
    rated("Talks in Moscow lasted nearly five hours!", Claim.Verdict.MOSTLY_ACCURATE)
    rated("Umerov led the delegation in Miami.", Claim.Verdict.FALSE)

    run = refresh_suggestions()

    (suggestion,) = suggestions()
    assert (suggestion.claim_a, suggestion.claim_b, suggestion.rule) == (
        accurate,
        false,
        Rule.NEAR_DUPLICATE,
    )
    assert "rated Accurate and the other False" in suggestion.explanation
    assert run.skipped == []


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite skips the rule")
def test_on_sqlite_the_near_duplicate_check_is_skipped_and_says_so():
    rated("The peace plan now contains 20 points.", Claim.Verdict.ACCURATE)
    rated("The peace plan now contains 20 points.", Claim.Verdict.FALSE)
    out = StringIO()

    call_command("suggest_contradictions", stdout=out)

    assert suggestions() == []
    assert "Near-duplicate claims with opposite verdicts: skipped" in out.getvalue()
    assert "this database is SQLite" in out.getvalue()


# -- The seed's contradiction, rediscovered ----------------------------------------------------


def test_the_seeds_biden_vs_trump_contradiction_is_proposed_again_once_deleted():
    import_fixtures([SEED_FIXTURE])
    flagged = Contradiction.objects.get()

    assert refresh_suggestions().created == 0  # flagged already: nothing to propose

    flagged.delete()
    out = StringIO()
    call_command("suggest_contradictions", stdout=out)

    (suggestion,) = suggestions()
    assert (suggestion.claim_a.slug, suggestion.claim_b.slug, suggestion.rule) == (
        "follow-up-with-bidens-negotiators",
        "witkoff-kushner-act-for-trump",
        Rule.ROLE,
    )
    for found in ["Steve Witkoff acting for Joe Biden", "Jared Kushner acting for Joe Biden"]:
        assert found in suggestion.explanation
    assert "Suggestions: 1 new, 0 updated, 0 withdrawn" in out.getvalue()


# -- Lifecycle ------------------------------------------------------------------------------


@pytest.fixture
def conflict(presidents):
    """Two claims whose statements put the envoy acting for two presidents."""
    biden, trump, envoy = presidents
    wrong, right = make_claim(), make_claim()
    acts_for(wrong, envoy, biden, DEC_4)
    acts_for(right, envoy, trump, DEC_2)
    return wrong, right


def history_rows():
    return ContradictionSuggestion.history.count()


def test_a_dismissed_suggestion_stays_dismissed(conflict, editor):
    refresh_suggestions()
    (suggestion,) = suggestions()
    dismiss_suggestion(suggestion, user=editor, reason="Same envoy, two roles: checked")
    moved = Statement.objects.get(claim=conflict[0])
    moved.date = DEC_3  # the explanation changes, the pair does not
    moved.save()

    run = refresh_suggestions()

    (suggestion,) = suggestions()
    assert suggestion.status == Status.DISMISSED
    assert (run.created, run.updated, run.pending) == (0, 0, 0)
    assert not Contradiction.objects.exists()
    dismissed = suggestion.history.latest()
    assert (dismissed.history_user, dismissed.history_change_reason) == (
        editor,
        "Same envoy, two roles: checked",
    )


def test_a_second_run_over_unchanged_data_changes_nothing(conflict, editor):
    refresh_suggestions(user=editor, reason="Nightly run")
    (created,) = ContradictionSuggestion.history.all()
    assert (created.history_type, created.history_user, created.history_change_reason) == (
        "+",
        editor,
        "Nightly run",
    )

    run = refresh_suggestions(user=editor)

    assert (run.created, run.updated, run.withdrawn, run.unchanged) == (0, 0, 0, 1)
    assert history_rows() == 1


def test_flagging_a_suggestion_opens_a_contradiction_with_its_explanation(conflict, editor):
    refresh_suggestions()
    (suggestion,) = suggestions()

    contradiction = flag_suggestion(suggestion, user=editor, reason="Looks like a slip")

    wrong, right = conflict
    assert (contradiction.claim_a, contradiction.claim_b) == (wrong, right)
    assert (contradiction.kind, contradiction.status) == (
        Contradiction.Kind.ROLE,
        Contradiction.Status.OPEN,
    )
    assert contradiction.note == suggestion.explanation
    assert contradiction.flagged_by == editor
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.decided_by) == (Status.FLAGGED, editor)
    for obj in (contradiction, suggestion):
        record = obj.history.latest()
        assert (record.history_user, record.history_change_reason) == (
            editor,
            "Looks like a slip",
        )
    assert refresh_suggestions().created == 0  # the pair is flagged: not proposed again


def test_a_flagged_suggestion_whose_contradiction_was_deleted_is_pending_again(conflict, editor):
    refresh_suggestions()
    contradiction = flag_suggestion(suggestions()[0], user=editor, reason="Flagged")
    contradiction.delete()

    run = refresh_suggestions()

    (suggestion,) = suggestions()
    assert (suggestion.status, suggestion.decided_by, run.updated) == (Status.PENDING, None, 1)


def test_a_pending_suggestion_the_rules_no_longer_find_is_withdrawn(conflict, presidents):
    refresh_suggestions()
    (suggestion,) = suggestions()
    Statement.objects.filter(claim=conflict[0]).delete()  # the claim no longer says it

    run = refresh_suggestions(reason="Nightly run")

    assert suggestions() == []
    assert run.withdrawn == 1
    withdrawn = ContradictionSuggestion.history.filter(id=suggestion.pk).latest()
    assert withdrawn.history_type == "-"
    assert withdrawn.history_change_reason == "Nightly run: withdrawn, no longer found"


def test_a_suggestion_decided_once_cannot_be_decided_again(conflict, editor):
    refresh_suggestions()
    (suggestion,) = suggestions()
    dismiss_suggestion(suggestion, user=editor, reason="Not a conflict")

    with pytest.raises(ContradictionRefused, match="This suggestion was already dismissed."):
        flag_suggestion(suggestion, user=editor, reason="Second thoughts")

    assert not Contradiction.objects.exists()


# -- In the admin ---------------------------------------------------------------------------


def test_the_admin_runs_the_rules_and_lists_pending_suggestions(
    conflict, editor_client, editor, django_capture_on_commit_callbacks
):
    changelist = reverse("admin:talks_contradictionsuggestion_changelist")

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("admin:talks_contradictionsuggestion_run"), follow=True
        )

    page = response.content.decode()
    assert "The suggestion rules are running in the background" in page
    assert "Queued since" in page and "by desk-editor" in page
    assert suggestions() == []  # the button only queued the run
    run_queued_tasks()
    page = editor_client.get(changelist).content.decode()
    assert "found 1: 1 new, 0 updated, 0 withdrawn, 0 unchanged; 1 pending in all." in page
    (suggestion,) = suggestions()
    assert suggestion.history.get().history_user == editor
    listing = editor_client.get(changelist).content.decode()
    assert reverse("admin:talks_contradictionsuggestion_flag", args=[suggestion.pk]) in listing
    assert reverse("admin:talks_contradictionsuggestion_dismiss", args=[suggestion.pk]) in listing


def test_one_click_in_the_admin_flags_a_suggestion(conflict, editor_client, editor):
    refresh_suggestions()
    (suggestion,) = suggestions()

    response = editor_client.post(
        reverse("admin:talks_contradictionsuggestion_flag", args=[suggestion.pk]), follow=True
    )

    contradiction = Contradiction.objects.get()
    assert contradiction.flagged_by == editor
    assert "Flagged as an open contradiction" in response.content.decode()
    assert contradiction.history.get().history_change_reason == (
        "Flagged from a suggested contradiction"
    )


def test_one_click_in_the_admin_dismisses_a_suggestion_and_the_list_moves_on(
    conflict, editor_client, editor
):
    refresh_suggestions()
    (suggestion,) = suggestions()
    changelist = reverse("admin:talks_contradictionsuggestion_changelist")

    editor_client.post(
        reverse("admin:talks_contradictionsuggestion_dismiss", args=[suggestion.pk]),
        HTTP_REFERER=f"http://testserver{changelist}",
    )

    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.decided_by) == (Status.DISMISSED, editor)
    assert editor_client.get(changelist).context["cl"].result_count == 0
    everything = editor_client.get(changelist, {"status": "all"})
    assert everything.context["cl"].result_count == 1


def test_the_suggestion_admin_refuses_adding_and_deleting_by_hand(conflict, editor_client):
    refresh_suggestions()
    (suggestion,) = suggestions()

    delete = reverse("admin:talks_contradictionsuggestion_delete", args=[suggestion.pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 403
    assert ContradictionSuggestion.objects.exists()
    flag = reverse("admin:talks_contradictionsuggestion_flag", args=[suggestion.pk])
    assert editor_client.get(flag).status_code == 405


# -- Runs in the background: queued, running, done or failed ----------------------------------


def test_the_list_shows_a_run_in_progress_and_reloads_until_it_finishes(editor_client, editor):
    SuggestionRun.objects.create(
        status=SuggestionRun.Status.RUNNING, requested_by=editor, started_at=timezone.now()
    )

    page = editor_client.get(reverse("admin:talks_contradictionsuggestion_changelist"))

    assert "Running since" in page.content.decode()
    assert '<meta http-equiv="refresh" content="5">' in page.content.decode()


def test_pressing_the_button_twice_queues_one_run(
    editor_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(reverse("admin:talks_contradictionsuggestion_run"))
        response = editor_client.post(
            reverse("admin:talks_contradictionsuggestion_run"), follow=True
        )

    assert "A run of the rules is already waiting for a worker." in response.content.decode()
    assert SuggestionRun.objects.count() == 1


def test_a_failing_run_is_shown_failed_with_its_error_and_keeps_nothing(
    conflict, editor_client, monkeypatch, django_capture_on_commit_callbacks
):
    def full_disk(*args, **kwargs):
        raise OSError("No space left on device")

    # The new suggestion is written, then the run fails before it finishes.
    monkeypatch.setattr(suggestion_runs, "bulk_update_with_history", full_disk)
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(reverse("admin:talks_contradictionsuggestion_run"))
    run_queued_tasks()

    assert suggestions() == []
    run = SuggestionRun.objects.get()
    assert run.status == SuggestionRun.Status.FAILED
    assert run_suggestion_rules.get_result(run.task_id).status == "FAILED"
    page = editor_client.get(reverse("admin:talks_contradictionsuggestion_changelist"))
    assert "failed</strong>: OSError: No space left on device" in page.content.decode()
    assert "The rules have not run yet." not in page.content.decode()


def test_the_scheduled_run_performs_the_run_here_or_queues_it(
    conflict, django_capture_on_commit_callbacks
):
    out = StringIO()
    call_command("suggest_contradictions", "--reason", "Nightly", stdout=out)

    run = SuggestionRun.objects.get()
    assert (run.status, run.found, run.reason) == (SuggestionRun.Status.DONE, 1, "Nightly")
    assert "Suggestions: 1 new, 0 updated" in out.getvalue()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("suggest_contradictions", "--queue", stdout=out)
    queued = SuggestionRun.objects.first()
    assert f"Queued: Suggestion run #{queued.pk} (queued)." in out.getvalue()
    assert run_suggestion_rules.get_result(queued.task_id).status == "READY"


def test_a_run_whose_worker_was_killed_is_shown_failed_once_a_worker_starts_again(
    conflict, editor_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(reverse("admin:talks_contradictionsuggestion_run"))
    gone = subprocess.Popen(["true"])
    gone.wait()
    DBTaskResult.objects.get().claim(worker_name(gone.pid))  # a worker took it, then died
    SuggestionRun.objects.update(status=SuggestionRun.Status.RUNNING, started_at=timezone.now())
    changelist = reverse("admin:talks_contradictionsuggestion_changelist")
    assert "Running since" in editor_client.get(changelist).content.decode()

    fail_tasks_of_lost_workers()  # what `manage.py worker` does first

    page = editor_client.get(changelist).content.decode()
    assert f"failed</strong>: WorkerLost: The worker {worker_name(gone.pid)} stopped" in page
    assert SuggestionRun.objects.get().status == SuggestionRun.Status.FAILED
    assert suggestions() == []
