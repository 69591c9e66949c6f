"""The readers' site: published claims with their provenance, and the people, meetings and
sources they reach. Read-only, server-rendered, cached per edition.

- ``views``: the pages; ``urls``: their addresses (the ``public`` namespace);
- ``cache``: the GET-only rule every page shares and the page cache in front of them;
- ``forms``: the search and filters of the claims list;
- ``feeds``, ``sitemaps``, ``claim_review``: the Atom feed, the sitemap, the ClaimReview markup;
- ``templatetags``, ``context_processors``: what the templates in
  ``talks/templates/talks/public/`` use.

What a reader may see is defined once, in ``talks.visibility``. Nothing here imports an
admin module (the import contract in pyproject.toml checks it).
"""
