import pytest
from django.urls import reverse

from sources.models import Capture, Source, SourceBasis, SourceChange
from talks import models as talks_models
from talks.models import ContradictionSuggestion, RejectedProposal, SourcingSuggestion

TRACKED_MODELS = [Source, SourceBasis, Capture, SourceChange] + [
    getattr(talks_models, name) for name in talks_models.__all__
]
# The database makes suggestions; editors flag or dismiss them, never type them in. The
# archive makes its captures and the changes it finds. A rejected proposal is written by
# rejecting a proposed statement on its claim's page.
NOT_ADDED_BY_HAND = {
    ContradictionSuggestion,
    SourcingSuggestion,
    Capture,
    SourceChange,
    RejectedProposal,
}


@pytest.mark.django_db
@pytest.mark.parametrize("model", TRACKED_MODELS, ids=lambda m: m._meta.label)
def test_every_model_has_an_admin_list_and_add_page(editor_client, model):
    opts = model._meta
    assert (
        editor_client.get(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        ).status_code
        == 200
    )
    add_page = editor_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    assert add_page.status_code == (403 if model in NOT_ADDED_BY_HAND else 200)
