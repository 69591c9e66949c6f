""" "View on site" only where a reader can see the page: ``talks.visibility`` decides.

Django shows the link for any object with a URL, so a draft led editors to a 404.
"""

from django.urls import reverse

from .. import visibility


class PublicPageLink:
    """A model admin mixin: ``public`` is the visibility function listing the public rows."""

    public = None

    def view_on_site(self, obj):
        if self.public is not None and self.public().filter(pk=obj.pk).exists():
            return obj.get_absolute_url()
        return None


class PublicSourceLink:
    """The same for sources, which are public when a published claim rests on them."""

    def view_on_site(self, source):
        if visibility.source_is_public(source):
            return reverse("public:source", args=[source.slug])
        return None
