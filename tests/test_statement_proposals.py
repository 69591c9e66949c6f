"""Statements proposed from a claim's words: their quality on the labelled set, the editor's
decisions on them, the paths that make them, and what readers never see."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from talks.exchange.importer import import_fixtures
from talks.models import Claim, Contradiction, ContradictionSuggestion, RejectedProposal, Statement
from talks.services.proposals import (
    ProposalRefused,
    accept_proposal,
    correct_proposal,
    propose_statements,
    reject_proposal,
)
from talks.services.suggestion_runs import refresh_suggestions
from talks.statement_proposals.engine import propose

from .conftest import make_claim, run_queued_tasks
from .proposal_labels import (
    INVENTED,
    SEED_FIXTURE,
    Gold,
    add_invented_claims,
    proposals_as_gold,
    score,
    seed_claims,
    seed_gold,
)

pytestmark = pytest.mark.django_db

MOSCOW = "moscow-putin-witkoff-2025-12-02"
# Statements the seed's claims make in so many words that its hand-written set leaves out
# (it writes the date and place of the Moscow meeting, and Putin's attendance, under
# another claim of the same sentence). Reviewed one by one; any other proposal outside the
# hand-written gold fails the test below.
SEED_OMITTED = {
    # "The Putin–Witkoff meeting in Moscow lasted nearly five hours."
    Gold("moscow-meeting-nearly-five-hours", "meeting_place", meeting=MOSCOW, place="Moscow"),
    # "Steve Witkoff, ..., met Putin in Moscow on 2 December together with ... Kushner."
    Gold("witkoff-kushner-act-for-trump", "attended", person="vladimir-putin", meeting=MOSCOW),
    Gold("witkoff-kushner-act-for-trump", "meeting_date", meeting=MOSCOW, date="2025-12-02"),
    Gold("witkoff-kushner-act-for-trump", "meeting_place", meeting=MOSCOW, place="Moscow"),
}


@pytest.fixture
def seed():
    import_fixtures([SEED_FIXTURE])
    return {claim.slug: claim for claim in Claim.objects.all()}


def seed_proposals():
    ids = Claim.objects.filter(slug__in=seed_claims()).values_list("pk", flat=True)
    return proposals_as_gold(propose(list(ids)))


def test_on_the_seed_the_proposals_find_the_hand_written_statements(seed):
    found, gold = seed_proposals(), seed_gold()
    kinds, overall = score(found, gold)

    assert overall.recall >= 0.8
    assert all(result.recall >= 0.8 for result in kinds.values())
    # Measured 0.87 against the hand-written statements alone: the four proposals outside
    # them are statements the text does make (SEED_OMITTED); nothing else may appear.
    assert found - gold <= SEED_OMITTED
    assert overall.precision >= 0.85
    _, completed = score(found, gold | SEED_OMITTED)
    assert completed.precision >= 0.9


def test_invented_claims_of_every_kind_in_three_languages_are_read(seed):
    gold = add_invented_claims()
    ids = Claim.objects.filter(slug__in=[c.slug for c in INVENTED]).values_list("pk", flat=True)
    found = proposals_as_gold(propose(list(ids)))

    for language in ("en", "uk", "ru"):
        slugs = {claim.slug for claim in INVENTED if claim.language == language}
        kinds, overall = score(
            {row for row in found if row.claim in slugs},
            {row for row in gold if row.claim in slugs},
        )
        assert set(kinds) == {"acts_for", "attended", "absent", "meeting_date", "meeting_place"}
        assert overall.recall >= 0.8, language
        assert overall.precision >= 0.9, language


def test_the_biden_trump_pair_comes_back_from_the_claims_words_alone(seed):
    Contradiction.objects.all().delete()
    ContradictionSuggestion.objects.all().delete()
    for statement in Statement.objects.all():
        statement.delete()

    call_command("propose_statements")
    refresh_suggestions(reason="Test run")

    biden, trump = seed["follow-up-with-bidens-negotiators"], seed["witkoff-kushner-act-for-trump"]
    suggestion = ContradictionSuggestion.objects.between(biden, trump).get()
    assert suggestion.rule == "role"
    assert suggestion.explanation.startswith("From proposed statements:")
    assert "Steve Witkoff acting for Joe Biden on 04 Dec 2025" in suggestion.explanation
    assert "act for Donald Trump on 02 Dec 2025" in suggestion.explanation
    assert not Contradiction.objects.exists()  # nothing is flagged without an editor
    assert Statement.objects.filter(status="accepted").count() == 0


@pytest.fixture
def proposed(seed):
    """The seed without its hand-written statements, and the statements proposed instead."""
    for statement in Statement.objects.all():
        statement.delete()
    propose_statements(Claim.objects.all())
    return seed


def witkoff_for_biden():
    return Statement.objects.get(
        claim__slug="follow-up-with-bidens-negotiators",
        person__slug="steve-witkoff",
        kind="acts_for",
    )


def test_proposals_are_marked_with_the_words_they_come_from(proposed):
    statement = witkoff_for_biden()
    assert statement.status == "proposed"
    assert "President Biden’s negotiators" in statement.evidence
    assert statement.history.get().history_change_reason == "Proposed from the claim's words"


def test_a_second_run_over_unchanged_claims_changes_nothing(proposed):
    rows = Statement.history.count()
    assert propose_statements(Claim.objects.all()) == (0, 0)
    assert Statement.history.count() == rows


def test_an_accepted_proposal_is_the_desks_word_with_who_and_why(proposed, editor):
    statement = accept_proposal(witkoff_for_biden(), user=editor, reason="Checked the article")
    assert statement.status == "accepted"
    latest = statement.history.first()
    assert (latest.history_user, latest.history_change_reason) == (editor, "Checked the article")
    assert propose_statements(Claim.objects.all()) == (0, 0)
    assert witkoff_for_biden().status == "accepted"


def test_a_rejected_proposal_never_comes_back(proposed, editor):
    statement = witkoff_for_biden()
    reject_proposal(statement, user=editor, reason="The article means Trump")

    rejection = RejectedProposal.objects.get()
    assert (rejection.rejected_by, rejection.reason) == (editor, "The article means Trump")
    assert Statement.history.filter(id=statement.pk, history_type="-").get().history_user == editor
    call_command("propose_statements")
    assert not Statement.objects.filter(pk=statement.pk).exists()
    assert not Statement.objects.filter(
        claim=statement.claim, person=statement.person, on_behalf_of=statement.on_behalf_of
    ).exists()


def test_a_corrected_proposal_is_accepted_and_the_original_not_proposed_again(proposed, editor):
    statement = witkoff_for_biden()
    trump = proposed["witkoff-kushner-act-for-trump"].statements.filter(kind="acts_for")[0]
    corrected = correct_proposal(
        statement, user=editor, changes={"on_behalf_of": trump.on_behalf_of}, reason="A slip"
    )
    assert (corrected.status, corrected.on_behalf_of.name) == ("accepted", "Donald Trump")
    call_command("propose_statements")
    assert not Statement.objects.filter(
        claim=statement.claim, person=statement.person, on_behalf_of__name="Joe Biden"
    ).exists()


def test_a_proposal_no_longer_in_the_words_is_withdrawn_an_accepted_one_stays(proposed, editor):
    claim = proposed["putin-met-witkoff-in-moscow-2025-12-02"]
    kept = claim.statements.get(kind="attended", person__slug="kirill-dmitriev")
    accept_proposal(kept, user=editor)
    claim.text = "Vladimir Putin met Steve Witkoff in Moscow."
    claim._change_reason = "Test"
    claim.save()

    propose_statements([claim.pk])

    assert claim.statements.filter(person__slug="kirill-dmitriev").get().status == "accepted"
    assert not claim.statements.filter(kind="meeting_date").exists()
    assert claim.statements.filter(kind="attended", person__slug="steve-witkoff").exists()


def test_a_contributor_decides_a_drafts_proposals_not_a_published_claims(proposed, as_role):
    contributor = as_role("Contributor").user
    published = Statement.objects.filter(claim__status="published", status="proposed").first()
    with pytest.raises(ProposalRefused, match="edited by editors only"):
        accept_proposal(published, user=contributor)
    assert Statement.objects.get(pk=published.pk).status == "proposed"

    miami = proposed["miami-talks-concluded"].meeting
    draft = make_claim(text="Rubio met Umerov in Miami.", meeting=miami)
    propose_statements([draft.pk])
    accept_proposal(draft.statements.proposed().first(), user=contributor)
    assert draft.statements.accepted().count() == 1


def test_the_claims_page_shows_the_proposals_and_decides_them_in_one_click(proposed, as_role):
    editor = as_role("Editor")
    claim = proposed["follow-up-with-bidens-negotiators"]
    page = editor.get(reverse("admin:talks_claim_change", args=[claim.pk]))
    content = page.content.decode()
    assert "Proposed statements (2)" in content
    assert "Steve Witkoff acts on behalf of Joe Biden on 04 Dec 2025" in content
    assert "Read from: “The follow-up meeting from 4 December" in content

    statement = witkoff_for_biden()
    url = reverse("admin:talks_claim_decide_proposal", args=[claim.pk, statement.pk])
    answer = editor.post(url, {"decision": "reject", "reason": "Means Trump"}, follow=True)
    assert "Rejected (it will not be proposed again)" in answer.content.decode()
    assert RejectedProposal.objects.get().reason == "Means Trump"

    again = editor.post(url, {"decision": "accept"}, follow=True)
    assert "That proposal is gone" in again.content.decode()
    assert editor.post(url, {"decision": "publish"}).status_code == 302
    assert editor.get(url).status_code == 405


def test_correcting_on_the_statements_page_accepts_it_and_goes_back_to_the_claim(
    proposed, editor_client
):
    statement = witkoff_for_biden()
    trump = statement.claim.statements.model.objects.filter(on_behalf_of__name="Donald Trump")[0]
    url = reverse("admin:talks_statement_change", args=[statement.pk])
    form = editor_client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(on_behalf_of=trump.on_behalf_of_id, change_reason="Biden is a slip")
    answer = editor_client.post(url, data)

    assert answer.status_code == 302
    assert answer["Location"].endswith(
        reverse("admin:talks_claim_change", args=[statement.claim_id]) + "#proposed-statements"
    )
    corrected = Statement.objects.get(pk=statement.pk)
    assert (corrected.status, corrected.on_behalf_of.name) == ("accepted", "Donald Trump")
    assert corrected.history.first().history_change_reason == "Biden is a slip"
    assert RejectedProposal.objects.get().rejected_by.username == "desk-editor"


def test_saving_a_claim_in_the_admin_proposes_in_the_background(
    editor_client, django_capture_on_commit_callbacks
):
    import_fixtures([SEED_FIXTURE])
    claim = make_claim(text="placeholder")
    url = reverse("admin:talks_claim_change", args=[claim.pk])
    form = editor_client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    for prefix in ("citations", "subjects", "statements"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    data.update(text="Jared Kushner, Trump’s son-in-law, spoke on 3 December 2025.")
    with django_capture_on_commit_callbacks(execute=True):
        answer = editor_client.post(url, data)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert not claim.statements.exists()  # the save did not wait for the reading

    run_queued_tasks()

    statement = claim.statements.get()
    assert (str(statement), statement.status) == (
        "Jared Kushner acts on behalf of Donald Trump on 03 Dec 2025",
        "proposed",
    )


def test_the_scheduled_run_proposes_for_claims_changed_since_the_last(seed):
    from talks.tasks import request_suggestion_run

    request_suggestion_run(queue=False)
    claim = make_claim(text="Kirill Dmitriev, Putin’s envoy, spoke on 3 December 2025.")
    request_suggestion_run(queue=False)
    assert str(claim.statements.get()) == (
        "Kirill Dmitriev acts on behalf of Vladimir Putin on 03 Dec 2025"
    )


def test_reading_a_batch_takes_at_most_ten_queries_for_one_claim_or_thirty(
    seed, django_assert_max_num_queries
):
    ids = list(Claim.objects.values_list("pk", flat=True))
    add_invented_claims()
    with django_assert_max_num_queries(10):
        propose(ids[:1])
    with django_assert_max_num_queries(10):
        propose(list(Claim.objects.values_list("pk", flat=True)))


def test_proposals_and_decisions_leave_every_public_page_cached(proposed, client, commits, editor):
    claim = proposed["witkoff-kushner-act-for-trump"]
    urls = [claim.get_absolute_url(), "/claims/", "/api/v1/claims"]
    for url in urls:
        client.get(url)
        assert client.get(url)["X-Cache"] == "hit", url

    commits(lambda: propose_statements(Claim.objects.all()))
    commits(lambda: accept_proposal(claim.statements.proposed().first(), user=editor))
    commits(lambda: reject_proposal(claim.statements.proposed().first(), user=editor))

    assert [client.get(url)["X-Cache"] for url in urls] == ["hit"] * len(urls)
    assert "acts on behalf of" not in client.get(claim.get_absolute_url()).content.decode()
