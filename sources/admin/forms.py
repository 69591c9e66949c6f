"""The forms of the admin kit: every database rule as a form error, the reason every change
gives, a refusal to overwrite someone else's newer save, and related-object fields that refuse
ids no row can have."""

import copy

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import models, router
from django.forms.models import InlineForeignKeyField

from ..records import TimestampedModel

REASON_FIELD = "change_reason"
SEEN_FIELD = "seen_version"
REASON_MAX_LENGTH = 500


def reason_field(*, label="Reason for this change", required=False, help_text=None):
    """The field in which an editor says why: what they type is kept in the history rows."""
    if help_text is None:
        help_text = "Kept in the history." if required else "Kept in the history; optional."
    return forms.CharField(
        label=label,
        required=required,
        max_length=REASON_MAX_LENGTH,
        widget=forms.TextInput(attrs={"size": 80}),
        help_text=help_text,
    )


def constraint_fields(constraint):
    """The names of the model fields a ``Meta.constraints`` entry reads."""
    names = set(getattr(constraint, "fields", ()))
    condition = getattr(constraint, "condition", None)
    if condition is not None:
        names |= condition.referenced_base_fields
    for expression in getattr(constraint, "expressions", ()):
        names |= set(_field_names(expression))
    return names


def _field_names(expression):
    if isinstance(expression, models.F):
        yield expression.name.split("__")[0]
    else:
        for source in expression.get_source_expressions():
            yield from _field_names(source)


class DatabaseRulesForm(forms.ModelForm):
    """A model form that judges every ``Meta.constraints`` entry of its model on the row the
    save would write, and shows each refusal on the field whose change breaks the rule.

    Django skips a constraint that reads a field the form does not show (a claim's
    publication time, set when it is published), so the database refused the row instead:
    a server error where the editor needed a sentence.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The row as the form opened it, before the editor's input is put on the instance.
        self.opened_with = {
            field.attname: getattr(self.instance, field.attname)
            for field in self.instance._meta.concrete_fields
            if not field.generated
        }

    def validate_constraints(self):
        instance = self.instance
        # Fields that failed already are not judged again; every other field is judged with
        # the value the row will be written with, whether the form shows it or not.
        failed = {field.name for field in instance._meta.fields if field.name in self._errors}
        using = router.db_for_write(type(instance), instance=instance)
        for constraint in instance._meta.constraints:
            try:
                constraint.validate(type(instance), instance, exclude=failed, using=using)
            except ValidationError as refusal:
                self.add_error(self.field_concerned(constraint, failed, using), refusal)

    def field_concerned(self, constraint, failed, using):
        """The field of the form whose change breaks the rule: among the fields the rule
        reads, the last in the form (the one an editor filling it in reached last) that,
        set back to the value the form opened with, would satisfy it. None (the form's own
        error list) when no field of the form would."""
        reads = constraint_fields(constraint)
        culprits = []
        for name, field in self.fields.items():
            if name not in reads or isinstance(field, InlineForeignKeyField):
                continue
            if field.widget.is_hidden:
                continue
            before = copy.copy(self.instance)
            attname = self.instance._meta.get_field(name).attname
            setattr(before, attname, self.opened_with[attname])
            try:
                constraint.validate(type(before), before, exclude=failed, using=using)
            except ValidationError:
                continue
            culprits.append(name)
        return culprits[-1] if culprits else None


class ChangeReasonForm(DatabaseRulesForm):
    """An admin form that asks why, and refuses to overwrite someone else's newer save."""

    change_reason = reason_field(
        help_text="Kept in the history. Left blank, the history lists the fields you changed."
    )
    seen_version = forms.CharField(required=False, widget=forms.HiddenInput)

    # The editor saving the form, set by TrackedAdmin.get_form.
    editor = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Desk records carry their version and their editorial rules; audit records do not.
        self.is_desk_record = isinstance(self.instance, TimestampedModel)
        if self.instance.pk and self.is_desk_record:
            self.fields[SEEN_FIELD].initial = self.instance.updated_at.isoformat()
        # On the revert page: the version's values of the fields the form does not offer.
        self.reverted = {}
        # What the save changes, field name to new value; set by clean().
        self.changes = {}

    def reverting_to(self, version):
        """Make the form a revert of its instance (the record as it stands) to ``version``
        (its historical row): the fields the form does not offer take the version's values
        too, and are judged with the rest."""
        self.reverted = {
            field: getattr(version, field.attname)
            for field in self.instance._meta.concrete_fields
            if field.editable
            and not field.primary_key
            and field.name not in self.fields
            and hasattr(version, field.attname)
        }

    def clean(self):
        cleaned_data = super().clean()
        if not self.is_desk_record:
            return cleaned_data
        if self.instance.pk:
            self.refuse_lost_update(cleaned_data.get(SEEN_FIELD))
        edited = [name for name in self.changed_data if name not in (REASON_FIELD, SEEN_FIELD)]
        self.changes = {name: cleaned_data[name] for name in edited if name in cleaned_data}
        self.changes.update(
            (field.name, value)
            for field, value in self.reverted.items()
            if getattr(self.instance, field.attname) != value
        )
        refusal = self.editor and self.instance.editorial_refusal(self.editor, self.changes)
        if refusal:
            raise forms.ValidationError(refusal)
        explanation = self.instance.pk and self.instance.reason_required_for(self.changes)
        if explanation and not cleaned_data.get(REASON_FIELD, "").strip():
            self.add_error(REASON_FIELD, explanation)
        return cleaned_data

    def _post_clean(self):
        for field, value in self.reverted.items():
            setattr(self.instance, field.attname, value)
        super()._post_clean()

    def refuse_lost_update(self, seen_version):
        """Refuse the save if the row changed since the form was opened.

        The row stays locked until the admin's transaction ends, so of two saves racing from
        the same version, the second waits for the first and is then refused. The form keeps
        the editor's input and now carries the current version: saving again overwrites.
        """
        model = type(self.instance)
        current = (
            model._default_manager.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("updated_at", flat=True)
            .first()
        )
        if current is None:
            raise forms.ValidationError(
                f"This {model._meta.verbose_name} was deleted by someone else meanwhile."
            )
        if not seen_version or current.isoformat() == seen_version:
            return
        self.data = self.data.copy()
        self.data[self.add_prefix(SEEN_FIELD)] = current.isoformat()
        raise forms.ValidationError(
            [
                f"Someone else saved this {model._meta.verbose_name} after you opened it. "
                "Your input is kept below; compare it with their changes and save again "
                "to overwrite them.",
                *describe_changes_since(self.instance, seen_version),
            ]
        )


class InlineRowForm(DatabaseRulesForm):
    """A row edited on its record's page: a change that needs a reason (a quote of a published
    claim) takes the one given on the record's form, posted with it."""

    def clean(self):
        cleaned_data = super().clean()
        instance = self.instance
        if instance.pk and isinstance(instance, TimestampedModel):
            explanation = instance.reason_required_for(self.changed_data)
            if explanation and not self.data.get(REASON_FIELD, "").strip():
                raise forms.ValidationError(explanation)
        return cleaned_data


def describe_changes_since(instance, seen_version):
    """One line per save made after ``seen_version``: who, when, why, and what changed."""
    records = list(instance.history.filter(updated_at__gt=seen_version).order_by("history_date"))
    previous = instance.history.filter(updated_at__lte=seen_version).first()
    lines = []
    for record in records:
        changes = ""
        if previous is not None:
            delta = record.diff_against(previous)
            changes = "; ".join(
                f"{change.field}: “{_short(change.old)}” → “{_short(change.new)}”"
                for change in delta.changes
                if change.field != "updated_at"
            )
        who = record.history_user or "an import or command"
        reason = f" ({record.history_change_reason})" if record.history_change_reason else ""
        lines.append(f"{who} at {record.history_date:%Y-%m-%d %H:%M:%S}{reason}: {changes}")
        previous = record
    return lines


def _short(value, limit=120):
    text = str(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


class ChecksSubmittedIds:
    """An autocomplete that ignores a submitted value of the wrong type when it redraws.

    Django's widget looks the submitted ids up to show them again; a value that is no id at
    all ("abc" for a number) would raise there, a server error for a form error.
    """

    def optgroups(self, name, value, attr=None):
        target = self.field.remote_field.model._meta.get_field(self.field.remote_field.field_name)
        return super().optgroups(name, [v for v in value if is_valid_value(target, v)], attr)


class CheckedAutocompleteSelect(ChecksSubmittedIds, AutocompleteSelect):
    pass


class CheckedAutocompleteSelectMultiple(ChecksSubmittedIds, AutocompleteSelectMultiple):
    pass


def is_valid_value(field, value):
    """Whether ``value`` is of the field's type and in its column's range (SQLite raises
    OverflowError on an integer beyond 64 bits, where PostgreSQL finds no row)."""
    try:
        field.run_validators(field.to_python(value))
    except (TypeError, ValueError, forms.ValidationError):
        return False
    return True


class CheckedModelChoiceField(forms.ModelChoiceField):
    """A related object's id that no row can have is an invalid choice, not a server error."""

    def to_python(self, value):
        opts = self.queryset.model._meta
        target = opts.get_field(self.to_field_name) if self.to_field_name else opts.pk
        if value not in self.empty_values and not is_valid_value(target, value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], "invalid_choice")
        return super().to_python(value)
