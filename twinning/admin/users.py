"""Users, groups and API tokens in the admin, without escalation.

Only superusers change `is_superuser`, `is_staff`, groups and user permissions, edit groups or see API
tokens (which are stored hashed: the admin lists owner, creation and expiry, never a key; a new key
is shown once, on the page that made it). An editor (a staff member with the user permissions, see `twinning.permissions`) manages only
curators: adds a user, who becomes a curator; resets a curator's password; deactivates one. Superusers,
editors (the editor included) and anyone holding other rights are not listed to them, so their pages
answer "not found".
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken

from core.tokens import api_token_create, default_expiry_days
from twinning.permissions import CURATORS

# What a non-superuser sees of a curator: no rights at all, only the account itself.
CURATOR_FIELDSETS = (
    (None, {"fields": ("username", "password")}),
    (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
    (_("Access"), {
        "fields": ("is_active",),
        "description": _("A curator added here is a member of “Curators”; only a superuser grants other rights."),
    }),
    (_("Important dates"), {"fields": ("last_login", "date_joined")}),
)


def curators_only(queryset):
    """The users a non-superuser may manage: curators holding no other right."""
    others = Group.objects.exclude(name=CURATORS)
    rights = queryset.model.objects.filter(Q(is_superuser=True) | Q(user_permissions__isnull=False) | Q(groups__in=others))
    return queryset.filter(groups__name=CURATORS).exclude(pk__in=rights.values("pk"))


class SuperuserOnlyMixin:
    """Nothing is listed, viewed, added, changed or deleted here except by a superuser."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    has_add_permission = has_module_permission

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)


class CuratorManagingUserAdmin(UserAdmin):
    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else curators_only(queryset)

    def out_of_reach(self, request, object_id) -> None:
        """Not found (404), rather than the admin's "doesn't exist" redirect, for a user not listed."""
        if object_id and self.get_object(request, unquote(object_id)) is None:
            raise Http404(_("No such user."))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self.out_of_reach(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self.out_of_reach(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self.out_of_reach(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def get_fieldsets(self, request, obj=None):
        if obj is None or request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return CURATOR_FIELDSETS

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ("last_login", "date_joined")

    def get_list_filter(self, request):
        return super().get_list_filter(request) if request.user.is_superuser else ("is_active",)

    def get_list_display(self, request):
        columns = super().get_list_display(request)
        return columns if request.user.is_superuser else tuple(c for c in columns if c != "is_staff")

    def save_model(self, request, obj, form, change):
        adding = obj.pk is None
        if adding and not request.user.is_superuser:
            obj.is_staff = True  # a curator signs in to the admin; nothing else is granted
        super().save_model(request, obj, form, change)
        if adding and not request.user.is_superuser:
            obj.groups.add(Group.objects.get(name=CURATORS))


class SuperuserGroupAdmin(SuperuserOnlyMixin, GroupAdmin):
    pass


class ApiTokenForm(forms.Form):
    user = forms.ModelChoiceField(queryset=User.objects.filter(is_active=True).order_by("username"), label=_("User"))
    expiry_days = forms.IntegerField(
        label=_("Valid for (days)"), min_value=1, max_value=3650, initial=default_expiry_days,
        help_text=_("The token stops working after this many days; make a new one then."),
    )


class SuperuserTokenAdmin(SuperuserOnlyMixin, admin.ModelAdmin):
    """Tokens listed by owner, creation and expiry; revoked by deleting them; never edited, and no key
    shown except once, right after it is made."""

    list_display = ("user", "created", "expiry", "expired")
    list_display_links = None
    fields = ("user", "created", "expiry")
    readonly_fields = fields
    search_fields = ("user__username",)
    ordering = ("-created",)
    list_select_related = ("user",)

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(boolean=True, description=_("expired"))
    def expired(self, token) -> bool:
        return token.expiry is not None and token.expiry < timezone.now()

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ApiTokenForm(request.POST or None)
        context = {**self.admin_site.each_context(request), "opts": self.opts, "form": form,
                   "title": _("New API token")}
        if request.method == "POST" and form.is_valid():
            token, key = api_token_create(user=form.cleaned_data["user"], expiry_days=form.cleaned_data["expiry_days"])
            self.log_addition(request, token, [{"added": {}}])
            context.update(title=_("API token made"), token=token, key=key)
        response = TemplateResponse(request, "admin/api_token_add.html", context)
        response["Cache-Control"] = "no-store"  # the key must not linger in a cache
        return response


for model, model_admin in ((User, CuratorManagingUserAdmin), (Group, SuperuserGroupAdmin), (AuthToken, SuperuserTokenAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
