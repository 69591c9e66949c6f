"""Autocomplete whose options say enough to choose: a model admin may name each option with
``autocomplete_label(obj)`` (a claim by its words, claimant and date) instead of ``str()``,
in the search results and in the option a form shows again."""

from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.http import JsonResponse

from .filters import RefusedFilter


def option_label(model_admin):
    """How ``model_admin``'s objects are named in autocomplete menus."""
    return getattr(model_admin, "autocomplete_label", None) or str


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except RefusedFilter as refused:  # a search of too many words
            return JsonResponse({"error": str(refused)}, status=400)

    def serialize_result(self, obj, to_field_name):
        return {"id": str(getattr(obj, to_field_name)), "text": option_label(self.model_admin)(obj)}
