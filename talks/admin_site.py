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
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.http import urlencode

from . import two_factor
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
        return {
            **super().each_context(request),
            "site_stylesheets": self.stylesheets,
            "two_factor_url": reverse("admin:two_factor", current_app=self.name),
        }

    def has_permission(self, request):
        """Staff past both steps of the login: the password, and the second factor for whoever
        must take it or has set it up (talks/two_factor.py). Every admin page asks this."""
        return super().has_permission(request) and two_factor.next_step(request) is None

    def login(self, request, extra_context=None):
        """A staff member past the password who still owes the second step is sent to it."""
        user = request.user
        if request.method == "GET" and user.is_active and user.is_staff:
            step = two_factor.next_step(request)
            if step is not None:
                name = "two_factor_verify" if step == two_factor.VERIFY else "two_factor"
                query = urlencode({"next": request.GET.get("next", reverse("admin:index"))})
                return HttpResponseRedirect(
                    f"{reverse(f'admin:{name}', current_app=self.name)}?{query}"
                )
        return super().login(request, extra_context)

    def get_urls(self):
        # Imported here: importing the admin package registers its admins on this very site.
        from .admin import two_factor as pages

        return [
            path("two-factor/", pages.set_up_view, name="two_factor"),
            path("two-factor/verify/", pages.verify_view, name="two_factor_verify"),
            path("two-factor/log-out/", pages.log_out_view, name="two_factor_log_out"),
            *super().get_urls(),
        ]

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
