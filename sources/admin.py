"""Admin for sources, and the citation inline every app uses for its own citation table."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import CuratedAdmin, CuratedInline, adopt, annotation_column, change_reason, partial_date_column
from core.forms import PreloadedAutocompleteSelect, preload_choices
from sources.forms import SourceForm
from sources.models import Source
from sources.selectors import citation_count
from sources.services import Cite, source_get_or_create, source_update


class CitationInline(CuratedInline, admin.TabularInline):
    """A claim's sources: picked by autocomplete, with an optional locator and short quote. Rows are
    written by the app's services, `cite_service(<parent model name>=parent, cite=, replace=True,
    user=, reason=)` and `delete_service(citation, user=, reason=)`."""

    fields = ("source", "locator", "quote")
    autocomplete_fields = ("source",)
    show_change_link = False
    row_key = ("source",)
    cite_service = None
    delete_service = None

    @classmethod
    def saves_rows(cls) -> bool:
        return cls.saved_with_parent or (cls.cite_service is not None and cls.delete_service is not None)

    def save_row(self, form, *, parent, user, reason):
        data = form.cleaned_data
        cite = Cite(source=data["source"], locator=data.get("locator", ""), quote=data.get("quote", ""))
        owner = {parent._meta.model_name: parent}
        return self.cite_service(**owner, cite=cite, replace=True, user=user, reason=reason)

    def delete_row(self, obj, *, user, reason) -> None:
        self.delete_service(obj, user=user, reason=reason)

    def get_queryset(self, request):
        # The row's source labels its picker (no query per row; see PreloadedAutocompleteSelect).
        return super().get_queryset(request).select_related("source")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)

        class PreloadedSources(formset):
            def _construct_form(self, i, **form_kwargs):
                form = super()._construct_form(i, **form_kwargs)
                if form.instance.source_id is not None:
                    preload_choices(form, "source", [form.instance.source])
                return form

        PreloadedSources.__name__ = formset.__name__
        return PreloadedSources

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "source":
            kwargs.setdefault("widget", PreloadedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using")))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "quote":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 40})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


def citation_inline(citation_model, *, cite, delete, **attributes):
    """The inline for one app's citation table (e.g. PetitionCitation), written by its services
    `cite` (e.g. petition_cite) and `delete` (e.g. petition_citation_delete)."""
    services = {"cite_service": staticmethod(cite), "delete_service": staticmethod(delete)}
    return type(f"{citation_model.__name__}Inline", (CitationInline,), {"model": citation_model, **services, **attributes})


class SourceAdminForm(SourceForm):
    pass


@admin.register(Source)
class SourceAdmin(CuratedAdmin):
    form = SourceAdminForm
    list_display = ("title", "publisher", "published_display", "source_type", "citation_count", "url")
    list_filter = ("source_type", "language")
    search_fields = ("title", "publisher", "author", "url")
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("url", "title", "publisher", "author", "published", "source_type", "language")}),
        (_("Archive and access"), {"fields": ("accessed", "archive_url")}),
        (_("Notes"), {"fields": ("notes",)}),
        (_("Why"), {"fields": ("change_reason",)}),
        (_("Record"), {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_citations=citation_count())

    published_display = partial_date_column("published", _("published"))
    citation_count = annotation_column("n_citations", _("citations"))

    def save_model(self, request, obj, form, change):
        reason = change_reason(request, form)
        published = form.cleaned_data.get("published")
        if change:
            source_update(obj, user=request.user, reason=reason or str(_("Changed in the admin")), published=published)
            return
        fields = {
            name: form.cleaned_data.get(name, "")
            for name in ("url", "title", "publisher", "author", "source_type", "language", "archive_url", "notes")
        }
        saved, _created = source_get_or_create(
            **fields, published=published, accessed=form.cleaned_data.get("accessed"),
            user=request.user, reason=reason or str(_("Added in the admin")),
        )
        adopt(obj, saved)


