"""API permissions that follow the action, not only the HTTP method.

`DjangoModelPermissionsOrAnonReadOnly` maps every POST to "add": a user who may only add
records could otherwise publish, retract or override a grade, each of which is a POST.
A workflow action names the one permission it needs with `needs("app.codename")`.
"""

from rest_framework.permissions import BasePermission


def needs(permission: str) -> type[BasePermission]:
    """A permission class that admits an authenticated user holding `permission`."""

    class HoldsPermission(BasePermission):
        message = f"This needs the permission {permission!r}."

        def has_permission(self, request, view):
            user = request.user
            return bool(user and user.is_authenticated and user.has_perm(permission))

    HoldsPermission.__name__ = HoldsPermission.__qualname__ = f"Needs[{permission}]"
    return HoldsPermission
