"""The language a text is written in: a code Django knows, so its name can be given in words
in any reader's language (``django.utils.translation.get_language_info``).

Sources, quotes and claims carry one. The desk's own languages come first in every menu; the
rest are the languages the desk is likely to meet, a fixed list so the database's check does
not change with Django's releases.
"""

from django.conf.locale import LANG_INFO
from django.db import models
from django.utils.translation import get_language_info, gettext_lazy

DESK_LANGUAGES = ("en", "uk", "ru")
OTHER_LANGUAGES = (
    "ar", "az", "be", "bg", "cs", "da", "de", "el", "es", "et", "fa", "fi", "fr", "he", "hi",
    "hu", "hy", "it", "ja", "ka", "kk", "ko", "lt", "lv", "nl", "no", "pl", "pt", "ro", "sk",
    "sl", "sq", "sr", "sv", "tr", "zh-hans",
)  # fmt: skip

Language = models.TextChoices(
    "Language",
    [
        (code.upper().replace("-", "_"), (code, gettext_lazy(LANG_INFO[code]["name"])))
        for code in (*DESK_LANGUAGES, *OTHER_LANGUAGES)
    ],
)


def language_name(code):
    """The language in words, in the reader's language ("Ukrainian", "українська"); "" for
    no code, and the code itself for one Django does not know (a value from before the
    check)."""
    if not code:
        return ""
    try:
        return get_language_info(code)["name_translated"]
    except KeyError:
        return code


def known_language(recorded):
    """The code in ``Language`` that a language recorded as free text stands for ("EN",
    "en-GB", "English" are en), "" for none recorded, None for one not on the list."""
    code = recorded.strip().lower().replace("_", "-")
    if not code:
        return ""
    names = {str(LANG_INFO[value]["name"]).lower(): value for value in Language.values}
    for candidate in (code, code.partition("-")[0], names.get(code)):
        if candidate in Language.values:
            return candidate
    return None
