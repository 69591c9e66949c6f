import pytest
from django.urls import reverse

from sources.models import Source, SourceBasis
from talks import models as talks_models

TRACKED_MODELS = [Source, SourceBasis] + [
    getattr(talks_models, name) for name in talks_models.__all__
]


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
    assert (
        editor_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code
        == 200
    )
