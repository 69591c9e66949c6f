"""The admin's pages for the second step of a login (talks/two_factor.py): entering a code
after the password, and setting up an authenticator app with its recovery codes.

They open to a staff member logged in with their password only, which the admin's own
pages do not (``DeskAdminSite.has_permission``), so they check that much themselves.
"""

from functools import wraps

from django import forms
from django.contrib import admin
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from talks import two_factor


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=24,
        help_text="The six digits your authenticator app shows, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )


def password_logged_in(view):
    """A page for a staff member past the password, whether or not past the second step."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not (request.user.is_active and request.user.is_staff):
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        return view(request, *args, **kwargs)

    return never_cache(csrf_protect(wrapped))


def _next_url(request):
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return reverse("admin:index")


def _render(request, template, **context):
    return TemplateResponse(
        request,
        f"admin/two_factor/{template}",
        {**admin.site.each_context(request), "next": _next_url(request), **context},
    )


@password_logged_in
def verify_view(request):
    """Enter a code after the password; the admin opens once one is right."""
    step = two_factor.next_step(request)
    if step is None:
        return HttpResponseRedirect(_next_url(request))
    if step == two_factor.ENROL:
        return redirect(f"{reverse('admin:two_factor')}?next={_next_url(request)}")
    form = CodeForm(request.POST or None)
    if form.is_valid():
        error = two_factor.verify(request, form.cleaned_data["code"])
        if not error:
            return HttpResponseRedirect(_next_url(request))
        form.add_error("code", error)
    return _render(request, "verify.html", title="Enter your code", form=form)


@password_logged_in
def set_up_view(request):
    """Two-factor login for the logged-in user: set up an app (its QR code and secret,
    confirmed with a first code, then the recovery codes, shown once), or, once set up,
    how many recovery codes are left and new ones."""
    user = request.user
    if two_factor.next_step(request) == two_factor.VERIFY:
        return redirect(f"{reverse('admin:two_factor_verify')}?next={request.path}")
    if two_factor.confirmed_app(user) is not None:
        codes = []
        if request.method == "POST" and "new-codes" in request.POST:
            codes = two_factor.new_recovery_codes(user)
        return _render(
            request,
            "status.html" if not codes else "recovery_codes.html",
            title="Two-factor login",
            codes=_shown(codes),
            codes_left=two_factor.recovery_codes_left(user),
            required=two_factor.two_factor_required(user),
        )
    form = CodeForm(request.POST or None)
    if form.is_valid():
        error, codes = two_factor.confirm_app(request, form.cleaned_data["code"])
        if not error:
            return _render(
                request, "recovery_codes.html", title="Your recovery codes", codes=_shown(codes)
            )
        form.add_error("code", error)
    device = two_factor.enrolling_app(user)
    return _render(
        request,
        "set_up.html",
        title="Set up two-factor login",
        form=form,
        qr_code=mark_safe(two_factor.qr_code_svg(device)),  # our own SVG, from the secret
        secret=two_factor.secret(device),
        required=two_factor.two_factor_required(user),
    )


@require_POST
@password_logged_in
def log_out_view(request):
    """Log out from the second step (the admin's own logout needs a complete login)."""
    logout(request)
    return redirect("admin:login")


def _shown(codes):
    """Recovery codes as they are read aloud and typed: two groups of five."""
    return [f"{code[:5]}-{code[5:]}" for code in codes]
