"""The project's own middleware: the security headers Django does not send, and the refusal
of query strings carrying NUL characters.
"""

from django.http import HttpResponseBadRequest

# Browser features no page of the desk uses, refused to every page and whatever it embeds.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in [
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "xr-spatial-tracking",
    ]
)


class SecurityHeadersMiddleware:
    """The headers a security scanner looks for beyond those Django's middleware sends (HSTS,
    X-Content-Type-Options, Referrer-Policy, Cross-Origin-Opener-Policy, X-Frame-Options, the
    Content Security Policy): no powerful browser feature, and no other site loading the
    desk's responses into its own pages. Above the page cache and the static files, so every
    response carries them."""

    HEADERS = {
        "Permissions-Policy": PERMISSIONS_POLICY,
        "Cross-Origin-Resource-Policy": "same-origin",
        "X-Permitted-Cross-Domain-Policies": "none",
    }

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        for name, value in self.HEADERS.items():
            response.headers.setdefault(name, value)
        return response


class RefuseNulCharactersMiddleware:
    """A NUL in a list filter or search parameter would reach the database, which refuses it
    in any query, and end as a server error; forms already refuse it in their own fields."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in key or "\x00" in "".join(values) for key, values in request.GET.lists()):
            return HttpResponseBadRequest("Query parameters cannot contain NUL characters.")
        return self.get_response(request)
