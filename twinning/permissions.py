"""The curator groups. Curators add and change everything but cannot delete sources or events;
editors may also delete, merge and manage curators' accounts (not groups, rights or API tokens:
superusers only, see twinning.admin.users). `ensure_groups` is idempotent (run by migrations'
post_migrate and by load_demo)."""

from django.contrib.auth.models import Group, Permission

CURATORS = "Curators"
EDITORS = "Editors"

CURATED_APPS = ("sources", "twinning", "campaigns", "web")  # web: the public's suggested corrections
# Curators may not delete these (nor anything else in the register: deletion is an editor's job).
PROTECTED_FROM_CURATORS = {("sources", "source"), ("twinning", "event")}


def ensure_groups() -> tuple[Group, Group]:
    curators, _ = Group.objects.get_or_create(name=CURATORS)
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    curated = Permission.objects.filter(content_type__app_label__in=CURATED_APPS).select_related("content_type")
    curator_perms = [
        p
        for p in curated
        if p.codename.split("_", 1)[0] in {"add", "change", "view"}
        and not p.content_type.model.startswith("historical")
    ]
    # Editors manage curators' accounts (twinning.admin.users keeps them to curators); groups, rights and
    # API tokens are for superusers only.
    editor_perms = [p for p in curated] + list(
        Permission.objects.filter(content_type__app_label="auth", content_type__model="user")
    )
    curators.permissions.set(curator_perms)
    editors.permissions.set(editor_perms)
    return curators, editors
