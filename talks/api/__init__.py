"""The read API at ``/api/v1/``: what the readers' pages show, as JSON described by OpenAPI.

It asks ``talks.visibility`` what the public may see, as every public page does, and imports
no admin module (an import contract holds it). ``endpoints`` has the operations, ``schemas``
their shapes, ``pages`` the cursor pagination and ``reads`` what every answer shares:
read-only, CORS, a rate limit per address, cached per edition with an ETag.
"""
