"""The base every curated admin shares (`CuratedAdmin`), and changelist column helpers."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.history import history_delete, history_save
from core.partialdates import partial_date_of


def change_reason(request, form=None, default: str = "") -> str:
    """The curator's "reason for this change", else `default`."""
    reason = ""
    if form is not None and hasattr(form, "cleaned_data"):
        reason = form.cleaned_data.get("change_reason") or ""
    return (reason or default)[:100]


def adopt(obj, saved) -> None:
    """Make the admin's unsaved instance the row a service created, so the admin's own bookkeeping
    (inlines, log entry, redirect) continues with the saved row."""
    obj.__dict__.update(saved.__dict__)


def count_subquery(queryset, field: str):
    """Coalesce(count of `queryset` rows whose `field` is the outer row, 0), as one subquery: a
    changelist annotated with it stays a single query, without join fan-out."""
    counted = queryset.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def partial_date_column(prefix: str, description):
    """A changelist column showing a partial date at its precision ("2005", "March 2023")."""

    @admin.display(description=description, ordering=prefix)
    def column(self, obj):
        value = partial_date_of(obj, prefix)
        return value.display() if value else "—"

    return column


def annotation_column(name: str, description):
    """A changelist column showing (and sorting by) a queryset annotation."""

    @admin.display(description=description, ordering=name)
    def column(self, obj):
        return getattr(obj, name)

    return column


def add_related_buttons(form_class, request, admin_site, fields: dict) -> None:
    """Give the declared (non-model) picker fields of `form_class` the admin's “+” (create the related
    record in a popup, chosen on return), as model fields get it: `fields` maps a field name to the
    model field whose related model it picks (e.g. {"sources": EventCitation._meta.get_field("source")})."""
    import copy

    from django.contrib.admin.widgets import RelatedFieldWidgetWrapper

    for name, model_field in fields.items():
        field = form_class.base_fields.get(name)
        related_admin = admin_site._registry.get(model_field.related_model)
        if field is None or related_admin is None or isinstance(field.widget, RelatedFieldWidgetWrapper):
            continue
        field = copy.deepcopy(field)  # declared fields are shared by every form class made from the form
        field.widget = RelatedFieldWidgetWrapper(
            field.widget, model_field.remote_field, admin_site,
            can_add_related=related_admin.has_add_permission(request),
            can_change_related=False, can_delete_related=False, can_view_related=False,
        )
        form_class.base_fields[name] = field


class CuratedAdmin(SimpleHistoryAdmin):
    """Every change records who made it and why (simple_history), the history page shows who, when,
    what changed and the reason; reverting from history is off, because reverting a single row would
    bypass the services that keep derived data (statuses) right."""

    save_on_top = True
    list_per_page = 50

    def revert_disabled(self, request, obj=None):
        return True

    @property
    def media(self):
        # Pickers show whole labels (full source titles), see static/css/admin-pickers.css.
        return super().media + forms.Media(css={"all": ["css/admin-pickers.css"]})

    def get_fields(self, request, obj=None):
        """Without explicit fieldsets: the reason for the change comes last, just above Save."""
        fields = list(super().get_fields(request, obj))
        if "change_reason" in fields:
            fields.remove("change_reason")
            fields.append("change_reason")
        return fields

    def save_model(self, request, obj, form, change):
        default = _("Changed in the admin") if change else _("Added in the admin")
        history_save(obj, user=request.user, reason=change_reason(request, form, str(default)))

    def delete_model(self, request, obj):
        history_delete(obj, user=request.user, reason=str(_("Deleted in the admin")))

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        for inline in self.inlines:
            if not (issubclass(inline, CuratedInline) and inline.saves_rows()):
                errors.append(checks.Error(
                    f"{inline.__qualname__} does not say which services save and delete its rows.",
                    hint="Make it a CuratedInline with save_row and delete_row (or saved_with_parent = True).",
                    obj=type(self), id="twinwatch.E001",
                ))
        return errors

    def save_formset(self, request, form, formset, change):
        """Each inline row is created, changed and deleted by its inline's service hooks (`save_row`,
        `delete_row`), with the user and the reason given on the row, else on the page; an inline
        without hooks is refused."""
        inline = getattr(formset, "curated_inline", None)
        if inline is None or inline.saved_with_parent or not inline.saves_rows():
            raise ImproperlyConfigured(f"No service saves the rows of the {formset.model.__name__} inline.")
        page_reason = change_reason(request, form, str(_("Changed in the admin")))

        def common(row):
            return {"user": request.user, "reason": change_reason(request, row) or page_reason}

        parent = formset.instance
        deletions = [(row.instance, row) for row in formset.deleted_forms if row.instance.pk is not None]
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        # Saves before deletions, so that an event's last source can be replaced in one go.
        for row in formset.forms:
            if row in formset.deleted_forms or not row.has_changed():
                continue
            if row.instance.pk is None:
                formset.new_objects.append(inline.save_row(row, parent=parent, **common(row)))
            elif set(inline.row_key) & set(row.changed_data):
                # Another source, scheme or date: a different row to the service; the old row goes.
                deletions.append((type(row.instance)._default_manager.get(pk=row.instance.pk), row))
                formset.new_objects.append(inline.save_row(row, parent=parent, **common(row)))
            else:
                formset.changed_objects.append((inline.save_row(row, parent=parent, **common(row)), row.changed_data))
        for obj, row in deletions:
            inline.delete_row(obj, **common(row))
            formset.deleted_objects.append(obj)


class CuratedInline:
    """Mixin for inlines. Rows are written only through services: an inline declares `save_row` and
    `delete_row`, which `CuratedAdmin.save_formset` calls with the page's user and reason, or says
    `saved_with_parent` when its admin hands the rows to the parent's own service."""

    extra = 0
    show_change_link = True
    #: Fields by which the service finds a row (a citation's source, an identifier's scheme):
    #: changing one on an existing row saves a new row and deletes the old one.
    row_key: tuple[str, ...] = ()
    #: True when the parent's admin saves these rows with the parent (e.g. an event and its sources).
    saved_with_parent = False

    @classmethod
    def saves_rows(cls) -> bool:
        declared = cls.save_row is not CuratedInline.save_row and cls.delete_row is not CuratedInline.delete_row
        return cls.saved_with_parent or declared

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.curated_inline = self
        return formset

    def save_row(self, form, *, parent, user, reason):
        """Create or change the row a valid inline form describes, through a service; return it."""
        raise NotImplementedError

    def delete_row(self, obj, *, user, reason) -> None:
        """Delete an inline row through a service."""
        raise NotImplementedError

