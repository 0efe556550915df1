from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_groups(sender, **kwargs):
    # The curators' rights cover web's models too (suggested corrections), whose permissions exist only
    # once this app has migrated: twinning's own post_migrate ran before they did.
    from twinning.permissions import ensure_groups

    ensure_groups()


class WebConfig(AppConfig):
    """The page layer: every public page, feed, sitemap and data download, composed from the
    domain apps through their selectors; and what the public sends in (web.models)."""

    name = "web"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(_ensure_groups, sender=self, dispatch_uid="web.ensure_groups")
