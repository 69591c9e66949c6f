"""History an editor can read: one timeline per record with the rows edited on its page, each
change as words added and removed, choices by their labels, dates in words, any two versions
side by side, and a revert page that shows what the revert will change.

Simple-history keeps the rows; this module only presents them. ``HistoryPresentation`` is a
model admin mixin (``TrackedAdmin`` uses it); a model admin names the rows shown beside its
own versions in ``history_related`` (by default, those of its inlines).
"""

import difflib
import re
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, router, transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince

from .forms import SEEN_FIELD, is_valid_value

VERSIONS_SHOWN = 200  # per kind of row on one timeline
EMPTY = "—"
ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
ROW_ACTIONS = {"+": "added", "~": "changed", "-": "removed"}
TOKENS = re.compile(r"\s+|\w+|[^\w\s]")  # spaces, words, and each mark on its own


def word_diff(old, new):
    """``old`` to ``new`` in HTML: removed words in ``<del>``, added ones in ``<ins>``."""
    before, after = TOKENS.findall(old), TOKENS.findall(new)
    parts = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape("".join(before[i1:i2])))
            continue
        if i2 > i1:
            parts.append(format_html('<del class="diff">{}</del>', "".join(before[i1:i2])))
        if j2 > j1:
            parts.append(format_html('<ins class="diff">{}</ins>', "".join(after[j1:j2])))
    return mark_safe("".join(parts))


def moment_in_words(moment):
    """ "Wednesday 3 December 2025 at 14:02 (2 hours ago)", in the site's time zone."""
    local = timezone.localtime(moment)
    return (
        f"{format_date(local, 'l j F Y')} at {format_date(local, 'H:i')} ({timesince(moment)} ago)"
    )


def shown_fields(history_model):
    """The fields of a tracked model an editor changes: not its id nor its timestamps."""
    return [
        model_field
        for model_field in history_model.tracked_fields
        if model_field.editable and not model_field.primary_key
    ]


@dataclass
class Change:
    label: str
    old: str
    new: str
    diff: str = ""  # word by word, for texts that were and are not empty


@dataclass
class Entry:
    record: object
    action: str
    subject: str  # "" for the record itself, else the kind of row ("citation")
    changes: list = field(default_factory=list)

    @property
    def when(self):
        return moment_in_words(self.record.history_date)

    @property
    def who(self):
        return self.record.history_user or "an import or command"


class ValueNames:
    """Names the values of history rows for editors; related rows are read in bulk."""

    def __init__(self):
        self.wanted = {}  # related model -> ids
        self.found = {}

    def want(self, model_field, value):
        if model_field.is_relation and value is not None:
            self.wanted.setdefault(model_field.related_model, set()).add(value)

    def read(self):
        for model, ids in self.wanted.items():
            self.found[model] = model._base_manager.in_bulk(ids)

    def name(self, model_field, value):
        if value is None or value == "":
            return EMPTY
        if model_field.is_relation:
            obj = self.found.get(model_field.related_model, {}).get(value)
            return str(obj) if obj is not None else f"#{value}, since deleted"
        if model_field.flatchoices:
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(model_field, models.DateTimeField):
            return format_date(timezone.localtime(value), "j F Y, H:i")
        if isinstance(model_field, models.DateField):
            return format_date(value, "j F Y")
        if isinstance(model_field, models.BooleanField):
            return "yes" if value else "no"
        return str(value)


def _differences(older, newer, fields, names):
    """The fields whose values differ between two rows (``older`` None: every filled one)."""
    pairs = []
    for model_field in fields:
        new = getattr(newer, model_field.attname)
        old = getattr(older, model_field.attname) if older is not None else None
        if old == new or (older is None and new in (None, "")):
            continue
        names.want(model_field, old)
        names.want(model_field, new)
        pairs.append((model_field, old, new))
    return pairs


def _changes(pairs, names):
    changes = []
    for model_field, old, new in pairs:
        change = Change(
            str(model_field.verbose_name).capitalize(),
            names.name(model_field, old),
            names.name(model_field, new),
        )
        texts = isinstance(model_field, (models.CharField, models.TextField))
        if texts and not model_field.flatchoices and old and new:
            change.diff = word_diff(str(old), str(new))
        changes.append(change)
    return changes


def timeline(groups):
    """Entries newest first from ``groups``: (subject, historical queryset, names of fields
    not to show) triples, the record's own versions with subject "". Each version is compared
    with the one before it of the same row."""
    names = ValueNames()
    pending = []
    for subject, records, hidden in groups:
        fields = [f for f in shown_fields(records.model) if f.name not in hidden]
        rows = list(
            records.select_related("history_user").order_by("-history_date", "-history_id")[
                : VERSIONS_SHOWN + 1
            ]
        )
        # Only a comparison base for the last shown, when there are more than shown.
        shown = {record.history_id for record in rows[:VERSIONS_SHOWN]}
        before = {}
        for record in reversed(rows):
            previous = before.get(record.id)
            before[record.id] = record
            if record.history_id in shown:
                pairs = (
                    []
                    if record.history_type == "-"
                    else _differences(previous, record, fields, names)
                )
                pending.append((record, subject, pairs))
    names.read()
    entries = [
        Entry(
            record,
            (ROW_ACTIONS if subject else ACTIONS)[record.history_type],
            subject,
            _changes(pairs, names),
        )
        for record, subject, pairs in pending
    ]
    entries.sort(key=lambda entry: (entry.record.history_date, entry.subject == ""), reverse=True)
    return entries


def compared(older, newer):
    """Every shown field of two versions: (label, older's value, newer's, word diff or "",
    whether they differ)."""
    names = ValueNames()
    fields = shown_fields(type(newer))
    for model_field in fields:
        names.want(model_field, getattr(older, model_field.attname))
        names.want(model_field, getattr(newer, model_field.attname))
    names.read()
    rows = []
    for model_field in fields:
        old, new = getattr(older, model_field.attname), getattr(newer, model_field.attname)
        diff = ""
        texts = isinstance(model_field, (models.CharField, models.TextField))
        if old != new and texts and not model_field.flatchoices and old and new:
            diff = word_diff(str(old), str(new))
        rows.append(
            (
                str(model_field.verbose_name).capitalize(),
                names.name(model_field, old),
                names.name(model_field, new),
                diff,
                old != new,
            )
        )
    return rows


class HistoryPresentation:
    """Model admin mixin: the timeline, the comparison of two versions, the revert page."""

    object_history_template = "admin/sources/history.html"
    object_history_form_template = "admin/sources/history_form.html"

    def history_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/history/compare/",
                self.admin_site.admin_view(self.history_compare_view),
                name=f"{opts.app_label}_{opts.model_name}_history_compare",
            )
        ]

    def history_related(self, object_id):
        """(kind of row, historical queryset, fields not shown) of the rows shown on the
        record's timeline: by default, the rows of its inlines, without the record itself."""
        related = []
        for inline in self.inlines:
            model = inline.model
            fk = next(
                f
                for f in model._meta.fields
                if f.is_relation
                and f.related_model is self.model
                and (inline.fk_name is None or f.name == inline.fk_name)
            )
            rows = model.history.filter(**{fk.attname: object_id})
            related.append((model._meta.verbose_name, rows, {fk.name}))
        return related

    def _history_object(self, request, object_id):
        """The record (its last version, when deleted), or 404; refused without permission."""
        history = self.model.history
        if not is_valid_value(self.model._meta.pk, object_id):
            raise Http404
        obj = self.get_queryset(request).filter(pk=object_id).first()
        if obj is None:
            last = history.filter(id=object_id).order_by("-history_date").first()
            if last is None:
                raise Http404
            obj = last.instance
        if not self.has_view_history_or_change_history_permission(request, obj):
            raise PermissionDenied
        return obj

    def history_view(self, request, object_id, extra_context=None):
        object_id = unquote(object_id)
        obj = self._history_object(request, object_id)
        opts = self.model._meta
        own = self.model.history.filter(id=object_id)
        entries = timeline([("", own, ()), *self.history_related(object_id)])
        versions = [entry for entry in entries if not entry.subject]
        context = {
            **self.admin_site.each_context(request),
            "title": f"History: {obj}",
            "subtitle": None,
            "opts": opts,
            "module_name": str(opts.verbose_name_plural).capitalize(),
            "object": obj,
            "entries": entries,
            "versions": versions,
            "limit": VERSIONS_SHOWN,
            "revert_disabled": self.revert_disabled(request, obj),
            "compare_url": reverse(
                f"admin:{opts.app_label}_{opts.model_name}_history_compare", args=[object_id]
            ),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)

    def history_compare_view(self, request, object_id):
        """Two versions of the record side by side, what differs marked word by word."""
        object_id = unquote(object_id)
        obj = self._history_object(request, object_id)
        versions = self.model.history.filter(id=object_id)
        chosen = [request.GET.get("from", ""), request.GET.get("to", "")]
        if not all(value.isdigit() for value in chosen):
            raise Http404
        found = versions.select_related("history_user").in_bulk([int(v) for v in chosen])
        if len(found) != len(set(chosen)):
            raise Http404
        older, newer = sorted(
            (found[int(value)] for value in chosen), key=lambda r: (r.history_date, r.history_id)
        )
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": f"Two versions of {obj}",
            "opts": opts,
            "object": obj,
            "older": older,
            "newer": newer,
            "older_when": moment_in_words(older.history_date),
            "newer_when": moment_in_words(newer.history_date),
            "rows": compared(older, newer),
            "history_url": reverse(
                f"admin:{opts.app_label}_{opts.model_name}_history", args=[object_id]
            ),
        }
        return TemplateResponse(request, "admin/sources/history_compare.html", context)

    def revert_disabled(self, request, obj=None):
        """Whether the editor may not revert ``obj``: it must stand (a deleted record comes
        back only through Restore) and be theirs to change, as on its change page."""
        if obj is None or not self.model._default_manager.filter(pk=obj.pk).exists():
            return True
        return not self.has_change_permission(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """A past version of the record, and the revert to it.

        A revert is a change from the record as it stands to the version's values, made on the
        record's own form: the change permission, the rulebook (``editorial_refusal``), the
        reason it requires and the lost-update check are those of the change page. Every
        field the history shows takes the version's value, those the form does not offer
        (a decision, a publication time) too, and the whole change is judged. A deleted
        record is shown, not reverted: it comes back only through Restore.
        """
        request.current_app = self.admin_site.name
        object_id = unquote(object_id)
        if not is_valid_value(self.model._meta.pk, object_id) or not is_valid_value(
            self.model.history.model._meta.pk, version_id
        ):
            raise Http404
        pk_name = self.model._meta.pk.attname
        version = (
            self.model.history.filter(**{pk_name: object_id}, history_id=version_id)
            .select_related("history_user")
            .first()
        )
        if version is None:
            raise Http404
        current = self.get_queryset(request).filter(pk=object_id).first()
        then = version.instance
        then._state.adding = False
        if not self.has_view_or_change_permission(request, current or then):
            raise PermissionDenied
        revert_disabled = current is None or not self.has_change_permission(request, current)
        history_url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_history", args=[object_id]
        )
        if request.method == "POST" and current is None:
            self.message_user(
                request,
                f"This {self.opts.verbose_name} was deleted: it comes back only through "
                "Restore, on the list of deleted ones.",
                messages.ERROR,
            )
            return HttpResponseRedirect(history_url)
        if request.method == "POST" and revert_disabled:
            raise PermissionDenied
        form_class = self.get_form(request, current or then, change=True)
        if request.method == "POST":
            with transaction.atomic(using=router.db_for_write(self.model)):
                form = form_class(request.POST, request.FILES, instance=current)
                form.reverting_to(version)
                if form.is_valid():
                    return self._save_revert(request, form, version, history_url)
        else:
            form = form_class(instance=then)
            if current is not None and getattr(form, "is_desk_record", False):
                form.initial[SEEN_FIELD] = current.updated_at.isoformat()
        return self._render_version(
            request, form, current or then, version, revert_disabled, extra_context
        )

    def _save_revert(self, request, form, version, history_url):
        when = moment_in_words(version.history_date)
        if not form.changes:
            self.message_user(request, f"Nothing to revert: the version of {when} is the same.")
            return HttpResponseRedirect(history_url)
        obj = self.save_form(request, form, change=True)
        self.save_model(request, obj, form, change=True)
        form.save_m2m()
        self.log_change(request, obj, self.construct_change_message(request, form, []))
        self.message_user(request, f"Reverted “{obj}” to the version of {when}.", messages.SUCCESS)
        return HttpResponseRedirect(history_url)

    def _render_version(self, request, form, obj, version, revert_disabled, extra_context):
        opts = self.model._meta
        now = (
            self.model.history.filter(**{opts.pk.attname: obj.pk})
            .order_by("-history_date", "-history_id")
            .first()
        )
        admin_form = helpers.AdminForm(
            form,
            self.get_fieldsets(request, obj),
            self.prepopulated_fields,
            self.get_readonly_fields(request, obj),
            model_admin=self,
        )
        urls = f"admin:{opts.app_label}_{opts.model_name}"
        context = {
            **self.admin_site.each_context(request),
            "title": f"{'The' if revert_disabled else 'Revert to the'} version of "
            f"{moment_in_words(version.history_date)}",
            "adminform": admin_form,
            "object_id": obj.pk,
            "original": obj,
            "is_popup": False,
            "media": self.media + admin_form.media,
            "errors": helpers.AdminErrorList(form, []),
            "app_label": opts.app_label,
            "original_opts": opts,
            "opts": opts,
            "changelist_url": reverse(f"{urls}_changelist"),
            "change_url": reverse(f"{urls}_change", args=[obj.pk]),
            "history_url": reverse(f"{urls}_history", args=[obj.pk]),
            "deleted_url": self.has_restore_permission(request) and reverse(f"{urls}_deleted"),
            "revert_disabled": revert_disabled,
            "version": version,
            "revert_changes": [row for row in compared(now, version) if row[4]],
            "current_is_deleted": now.history_type == "-",
            "add": False,
            "change": True,
            "has_add_permission": False,
            "has_view_permission": True,
            "has_change_permission": not revert_disabled,
            "has_delete_permission": False,
            "has_editable_inline_admin_formsets": False,
            "has_file_field": True,
            "has_absolute_url": False,
            "form_url": "",
            "content_type_id": ContentType.objects.get_for_model(self.model).id,
            "save_as": False,
            "save_on_top": False,
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.object_history_form_template, context)
