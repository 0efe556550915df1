from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_groups(sender, **kwargs):
    """After every `migrate`, the Curators and Editors groups exist with their permissions."""
    from twinning.permissions import ensure_groups

    ensure_groups()


class TwinningConfig(AppConfig):
    name = "twinning"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Connected for this app only, so it runs once per migrate, after all apps' permissions exist
        # (campaigns, the last curated app, is migrated before post_migrate fires).
        post_migrate.connect(_ensure_groups, sender=self, dispatch_uid="twinning.ensure_groups")
