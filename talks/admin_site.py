"""The desk's admin site: a home page with what needs the editor now, and the models in the
order the desk works with them (its records first, the link tables below them, the site's own
administration last).

``talks.apps.DeskAdminConfig`` makes this the default site (it lives outside ``talks.admin``,
whose modules register on it), so ``admin.site`` and
``@admin.register`` everywhere mean this one.
"""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.validators import MaxLengthValidator

from .desk import desk_home

# The desk's records in the order editors reach for them; the link tables are edited as
# inlines of their records and listed apart; everything else is the site's administration.
DESK_RECORDS = [
    "talks.claim",
    "talks.contradiction",
    "talks.contradictionsuggestion",
    "sources.source",
    "sources.sourcechange",
    "sources.capture",
    "talks.person",
    "talks.meeting",
    "talks.importrun",
]
LINK_TABLES = [
    "talks.citation",
    "talks.claimsubject",
    "talks.statement",
    "sources.sourcebasis",
    "talks.personalias",
    "talks.role",
    "talks.rolecitation",
    "talks.participant",
    "talks.meetingcitation",
]
SECTIONS = [
    ("desk", "The desk", DESK_RECORDS),
    ("links", "Links between records", LINK_TABLES),
]


class DeskLoginForm(AdminAuthenticationForm):
    """The admin login, refusing a username longer than any account's before the password
    is tried: the login throttle records each failed username and could not store it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


class DeskAdminSite(admin.AdminSite):
    site_header = "Fact desk"
    site_title = "Fact desk admin"
    index_title = "Your desk"
    index_template = "admin/talks/desk/index.html"
    login_form = DeskLoginForm
    # The desk home and the breadcrumbs lead everywhere; the lists get the width instead.
    enable_nav_sidebar = False
    # Stylesheets every admin page links, after the admin's own (base_site.html).
    stylesheets = ["talks/admin.css"]

    def each_context(self, request):
        return {**super().each_context(request), "site_stylesheets": self.stylesheets}

    def get_app_list(self, request, app_label=None):
        """On an app's own page, Django's list; elsewhere, the desk's sections."""
        apps = super().get_app_list(request, app_label)
        if app_label is not None:
            return apps
        models = {
            model["model"]._meta.label_lower: (app, model)
            for app in apps
            for model in app["models"]
        }
        sections = []
        for section_label, name, labels in SECTIONS:
            listed = [models.pop(label)[1] for label in labels if label in models]
            if listed:
                sections.append(_section(section_label, name, listed))
        rest = [model for _, model in models.values()]
        if rest:
            sections.append(_section("site", "Site administration", rest))
        return sections

    def autocomplete_view(self, request):
        # Imported here: importing the admin kit registers its admins on this very site.
        from sources.admin.autocomplete import LabelledAutocompleteJsonView

        return LabelledAutocompleteJsonView.as_view(admin_site=self)(request)

    def index(self, request, extra_context=None):
        return super().index(request, {**(extra_context or {}), **desk_home(request)})


def _section(label, name, models):
    return {
        "name": name,
        "app_label": f"desk-{label}",
        "app_url": f"#desk-{label}",
        "has_module_perms": True,
        "models": models,
    }
