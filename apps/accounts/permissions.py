"""The one question every app asks: may this user do this to this object?

`can(user, "clients.view_client", client)` is true when the user's role grants the
permission for every object of the kind, or when django-guardian grants it for this
object (a care-team assignment, a shared file). Views use `permission_required_or_404`
for the model-level check and `can()` inside object lookups, which return 404 for
"not yours" exactly as for "does not exist".
"""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied


def can(user, perm: str, obj=None) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.has_perm(perm):
        return True
    return obj is not None and user.has_perm(perm, obj)


def permission_required(*perms: str):
    """403 unless the signed-in user has every permission (model level)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not all(can(request.user, perm) for perm in perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
