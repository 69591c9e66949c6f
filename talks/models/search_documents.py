"""What the claims' search reads: each claim's texts as one stored document, built with the
text search configuration of the claim's language.

PostgreSQL stems English and Russian (its ``english`` and ``russian`` configurations); it has
no Ukrainian stemmer, so Ukrainian and every other language are read by ``simple_unaccent``
(migration ``talks.0014`` makes it): words lower-cased as they stand, accents dropped
(Lipavský is lipavsky). On SQLite the document is the texts themselves, for a substring
search.
"""

import operator
from functools import reduce

from django.contrib.postgres.search import SearchConfig, SearchVector, SearchVectorField
from django.db import models
from django.db.models.functions import Coalesce, Concat

from sources.languages import Language

SEARCHED_FIELDS = ["text", "claimant_label", "verdict_rationale"]
LANGUAGE_CONFIGS = {Language.EN: "english", Language.RU: "russian"}
SIMPLE_CONFIG = "simple_unaccent"
# A query is read by each, so it finds a claim in any language as that language's
# document holds its words.
QUERY_CONFIGS = (*LANGUAGE_CONFIGS.values(), SIMPLE_CONFIG)


def language_config(language="language"):
    """The configuration for the language in the column ``language``, as SQL: a constant in
    each branch, which keeps the stored column's expression immutable as PostgreSQL requires
    (a cast of the column's text to a configuration would look the name up at each row)."""
    return models.Case(
        *(
            models.When(**{language: code}, then=SearchConfig(config))
            for code, config in LANGUAGE_CONFIGS.items()
        ),
        default=SearchConfig(SIMPLE_CONFIG),
        output_field=models.TextField(),
    )


def _weighted_vector(config):
    """The claim itself first, then who made it as reported, then why the verdict, each read
    by ``config``. Written with plain functions rather than ``SearchVector``, whose
    configuration is no source expression: a model's validation must see that the document
    reads the language, or it cannot leave it out when an editor's language is refused."""
    vector = SearchVectorField()
    texts = (
        Coalesce(name, models.Value(""), output_field=models.TextField())
        for name in SEARCHED_FIELDS
    )
    vectors = (
        models.Func(
            models.Func(config, text, function="to_tsvector", output_field=vector),
            models.Value(weight),
            function="setweight",
            output_field=vector,
        )
        for text, weight in zip(texts, "ABC", strict=True)
    )
    return models.Func(
        *vectors, template="(%(expressions)s)", arg_joiner=" || ", output_field=SearchVectorField()
    )


def _joined_texts():
    texts = [Coalesce(name, models.Value("")) for name in SEARCHED_FIELDS]
    return Concat(*[part for text in texts for part in (text, models.Value(" "))][:-1])


class ClaimSearchDocument(models.Func):
    """A claim's searched texts as the database stores them for search: PostgreSQL's weighted
    full-text vector in the configuration of the claim's language; elsewhere the texts,
    joined. Migrations name this class, not its SQL: a change to what it computes needs a
    migration that removes and adds the column again."""

    output_field = SearchVectorField()

    def __init__(self):
        super().__init__(_weighted_vector(language_config()), _joined_texts())

    def as_sql(self, compiler, connection, **extra_context):
        return compiler.compile(self.source_expressions[1])

    def as_postgresql(self, compiler, connection, **extra_context):
        return compiler.compile(self.source_expressions[0])


# --- As migrations 0003 and 0012 made it, before claims carried their language -------------
# Those migrations import these two by name, from ``talks.models.claims``; nothing else uses
# them.


def english_search_vector():
    vectors = (
        SearchVector(name, weight=weight, config="english")
        for name, weight in zip(SEARCHED_FIELDS, "ABC", strict=True)
    )
    return reduce(operator.add, vectors)


class EnglishSearchDocument(ClaimSearchDocument):
    def __init__(self):
        models.Func.__init__(self, english_search_vector(), _joined_texts())
