"""Refuse query strings carrying NUL characters, which PostgreSQL refuses in any query.

A NUL in a list filter or search parameter would otherwise reach the database and end as a
server error; forms already refuse it in their own fields.
"""

from django.http import HttpResponseBadRequest


class RefuseNulCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in key or "\x00" in "".join(values) for key, values in request.GET.lists()):
            return HttpResponseBadRequest("Query parameters cannot contain NUL characters.")
        return self.get_response(request)
