"""The archive in the admin: each capture read-only, and what a citation's or a source's page
says of its copies (found, found closely with the words that stand, not found; when, and the
copy's hash). The desk writes captures itself: nobody adds, edits or deletes one."""

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from ..captures import Capture, QuoteCheck
from .tracked import WrittenByTheDeskAdmin

COPIES_SHOWN = 10
CLOSEST_SHOWN = 0.5  # the closest words of a quote not found, when at least this alike


def capture_link(capture):
    """ "the copy of 7 Dec 2026 14:02 (SHA-256 3f2a…)", linking to the capture."""
    kept = capture.kept
    return format_html(
        '<a href="{}">the copy of {}</a> <span class="capture-hash" title="SHA-256 of the '
        'text: {}">SHA-256 {}…</span>',
        reverse("admin:sources_capture_change", args=[capture.pk]),
        capture.moment,
        kept.sha256,
        kept.short_hash,
    )


def current_check(citation):
    if citation is None or citation.pk is None:
        return None
    return QuoteCheck.objects.of(citation).current().select_related("capture__same_as").first()


def quote_check_summary(citation, check=None):
    """What the archive says of ``citation``'s quote, in a sentence with a badge."""
    if citation is None or citation.pk is None:
        return ""
    check = check or current_check(citation)
    if check is None:
        return _unchecked(citation)
    stale = (
        format_html(" <em>(checked before its quote was edited)</em>")
        if check.quote != citation.quote
        else ""
    )
    where = capture_link(check.capture)
    Result = QuoteCheck.Result
    if check.result == Result.FOUND:
        return format_html(
            "{} Word for word in {}, at character {}.{}",
            _badge("found", "found"),
            where,
            check.offset,
            stale,
        )
    if check.result == Result.CLOSE:
        return format_html(
            '{} {}% alike in {}: <q class="quote-found">{}</q>{}',
            _badge("close", "found closely"),
            check.score_percent,
            where,
            check.found_text,
            stale,
        )
    if check.result == Result.MISSING:
        closest = (
            format_html(
                ' The closest words ({}% alike): <q class="quote-found">{}</q>',
                check.score_percent,
                check.found_text,
            )
            if check.found_text and (check.score or 0) >= CLOSEST_SHOWN
            else ""
        )
        return format_html(
            "{} Not in {}.{}{}", _badge("missing", "not found"), where, closest, stale
        )
    return format_html("{} {}", _badge("none", "not checked"), check.note)


def _unchecked(citation):
    if not citation.quote:
        return "No quote to check."
    source = citation.source
    if not source.web_url:
        return "The source has no web address: nothing to check it in."
    latest = source.captures.first()
    if latest is not None and latest.status != Capture.Status.CAPTURED:
        return format_html(
            '{} <a href="{}">{}</a>: {}',
            _badge("none", "no copy"),
            reverse("admin:sources_capture_change", args=[latest.pk]),
            latest.get_status_display(),
            latest.error,
        )
    return format_html("{} Waiting for the archive.", _badge("none", "not checked yet"))


def _badge(value, label):
    return format_html('<span class="badge badge-quote-{}">{}</span>', value, label)


def source_copies(source):
    """The latest captures of ``source``, one a line, for its admin page."""
    if source is None or source.pk is None:
        return ""
    captures = list(source.captures.select_related("same_as")[:COPIES_SHOWN])
    if not captures:
        return (
            "None yet: the archive fetches the page once it is saved with a web address."
            if source.web_url
            else "None: the source has no web address."
        )
    return format_html(
        '<ul class="capture-list">{}</ul>',
        format_html_join("", "<li>{}</li>", ((capture_line(capture),) for capture in captures)),
    )


def capture_line(capture):
    if capture.status != Capture.Status.CAPTURED:
        return format_html(
            '<a href="{}">{}</a>: {} {}',
            reverse("admin:sources_capture_change", args=[capture.pk]),
            capture.moment,
            _badge("missing", capture.get_status_display().lower()),
            capture.error,
        )
    again = " (the text unchanged)" if capture.same_as_id else ""
    return format_html("{}{}", capture_link(capture), again)


def quotes_checked_in(capture):
    """The checks made in ``capture``, each quote with what was found."""
    checks = list(capture.quote_checks.select_related("citation_type")[:100])
    if not checks:
        return "No quote checked in this copy."
    return format_html(
        '<table class="quote-checks"><thead><tr><th>Quote</th><th>Result</th><th>Found</th>'
        "</tr></thead><tbody>{}</tbody></table>",
        format_html_join(
            "",
            "<tr><td><q>{}</q></td><td>{}{}</td><td>{}</td></tr>",
            (
                (
                    check.quote,
                    _badge(check.result, check.get_result_display().lower()),
                    f" {check.score_percent}%" if check.score_percent is not None else "",
                    check.found_text or check.note,
                )
                for check in checks
            ),
        ),
    )


class QuoteCheckFilter(admin.SimpleListFilter):
    """Citations by what their latest check found: the desk's list of quotes to look at."""

    title = "quote in the source's copy"
    parameter_name = "quote_check"

    def lookups(self, request, model_admin):
        return QuoteCheck.Result.choices

    def queryset(self, request, queryset):
        if self.value() not in QuoteCheck.Result.values:
            return queryset
        checked = QuoteCheck.objects.current().filter(
            result=self.value(), citation_type=ContentType.objects.get_for_model(queryset.model)
        )
        return queryset.filter(pk__in=checked.values("citation_id"))


@admin.register(Capture)
class CaptureAdmin(WrittenByTheDeskAdmin):
    """Read-only: the archive writes captures; editors read them and what they prove."""

    list_display = ["source", "fetched_at", "status", "short_hash", "size", "url"]
    list_filter = ["status"]
    list_select_related = ["source"]
    fields = [
        "source",
        "url",
        "fetched_at",
        "status",
        "error",
        "http_status",
        "content_type",
        "size",
        "sha256",
        "same_as",
        "quotes_checked",
        "text",
    ]
    readonly_fields = ["quotes_checked"]

    @admin.display(description="SHA-256")
    def short_hash(self, capture):
        return f"{capture.short_hash}…" if capture.sha256 else "—"

    @admin.display(description="quotes checked in it")
    def quotes_checked(self, capture):
        return quotes_checked_in(capture)
