"""Who may write through the API."""

from __future__ import annotations

from rest_framework import permissions

# --- Permissions -------------------------------------------------------------------


class CuratorWritePermission(permissions.DjangoModelPermissions):
    """Anyone reads. Creating and changing need the model's add/change permission (the Curators and
    Editors groups have them); deleting needs the delete permission (Editors only)."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return super().has_permission(request, view)


