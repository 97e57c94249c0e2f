"""The signed-in user and their permissions, with as few queries as a page can have.

The user (with their role) is kept in the shared cache for AUTH_USER_CACHE_SECONDS,
dropped whenever the user or their role is saved (signals below: Django's own writes,
such as last_login and password changes, bypass our services, so the model hooks are
the only place that sees them all).

Permissions come from the user's role, cached per process (models.role_permissions).

Django's ModelBackend asks the database for a user's permissions twice on every request
(direct and through groups). Starline grants permissions only through roles, so a role's
permission set is read once and kept per process, keyed by the role's `updated_at`, which
every change to the role's permissions moves forward. A user's role itself is loaded with
the user (one query), so a new role takes effect on the next request everywhere.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from apps.accounts.models import Role, User, role_permissions, role_permissions_forget


def clear() -> None:
    """Forget every role's permission set (tests that change roles under the cache)."""
    role_permissions_forget()


def _user_key(user_id) -> str:
    # The cache's KEY_FUNCTION adds the schema, so organizations never share an entry.
    return f"accounts:user:{user_id}"


def _forget(keys: list[str]) -> None:
    # Now, and again after commit: a request that read the old row between the two would
    # otherwise put it back in the cache for a whole TTL.
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


@receiver(post_save, sender=User)
@receiver(post_delete, sender=User)
def _forget_user(sender, instance, **kwargs):
    _forget([_user_key(instance.pk)])


@receiver(post_save, sender=Role)
def _forget_role_members(sender, instance, **kwargs):
    _forget([_user_key(pk) for pk in instance.users.values_list("pk", flat=True)])


def _cacheable(user: User) -> User:
    """A copy without the password hash (hashes stay in the database only); it keeps the
    session hash Django checks on every request."""
    copy = User(**{f.attname: getattr(user, f.attname) for f in User._meta.concrete_fields})
    copy._state.adding = False
    copy._state.db = user._state.db
    if user.role_id:
        copy.role = user.role
    copy.cached_session_auth_hash = user.get_session_auth_hash()
    copy.password = ""
    return copy


class RoleBackend(ModelBackend):
    def get_user(self, user_id):
        seconds = settings.AUTH_USER_CACHE_SECONDS
        user = cache.get(_user_key(user_id)) if seconds else None
        if user is None:
            try:
                user = User._default_manager.select_related("role").get(pk=user_id)
            except User.DoesNotExist:
                return None
            if seconds:
                cache.set(_user_key(user_id), _cacheable(user), seconds)
        return user if self.user_can_authenticate(user) else None

    def get_user_permissions(self, user_obj, obj=None):
        # Permissions are never granted to a user directly (the admin offers no such field).
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None or user_obj.role_id is None:
            return set()
        return set(role_permissions(user_obj.role))

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if user_obj.is_superuser:
            return super().get_all_permissions(user_obj, obj)
        return self.get_group_permissions(user_obj)
