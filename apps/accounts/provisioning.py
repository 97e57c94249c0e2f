"""What a new organization needs from accounts: system roles and its first administrator."""

from django.db import transaction

from apps.accounts import roles, services
from apps.accounts.models import Role, User


def organization_provisioned(*, organization, admin_email: str | None) -> None:
    # The system roles are already there: cloned from the template, or made by the
    # post-migrate sync when the schema was built by replaying migrations.
    if not admin_email:
        return
    email = admin_email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        return
    role = Role.objects.get(name=roles.ORGANIZATION_ADMIN)
    admin = User(email=email, status=User.Status.PENDING, role=role)
    admin.set_unusable_password()
    admin.save()
    admin.groups.set([role.group])
    # No password is ever printed or mailed: the administrator chooses one from the invitation.
    base = services.base_url(organization=organization)
    transaction.on_commit(lambda: services.invitation_send(user=admin, organization=organization, base=base))
