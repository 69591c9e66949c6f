"""The words of a search as editors and readers type them: a "quoted phrase" is one word."""

from django.utils.text import smart_split, unescape_string_literal

WORDS_SEARCHED = 10  # words or phrases one search may hold, in the admin and on the site: each
# is looked up on its own, so a search of a thousand words would run a thousand lookups


def search_terms(search_term):
    """The words of a search, a quoted phrase counting as one word (as Django's admin has it)."""
    for term in smart_split(search_term):
        if term.startswith(('"', "'")) and term[0] == term[-1]:
            term = unescape_string_literal(term)
        yield term
