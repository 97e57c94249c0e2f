"""Demo people: one per system role in each demo organization, signing in with DEMO_PASSWORD."""

from django.conf import settings

from apps.accounts import roles, services
from apps.accounts.models import Role, User

DEMO_PEOPLE = [
    ("admin", roles.ORGANIZATION_ADMIN, "Avery", "Admin"),
    ("manager", roles.PROGRAM_MANAGER, "Morgan", "Reyes"),
    ("dsp", roles.DIRECT_SUPPORT, "Dana", "Okafor"),
    ("nurse", roles.NURSE, "Noor", "Haddad"),
    ("scheduler", roles.SCHEDULER, "Sam", "Lindqvist"),
    ("billing", roles.BILLING, "Blake", "Nguyen"),
    ("hr", roles.HR_MANAGER, "Harper", "Kowalski"),
    ("auditor", roles.AUDITOR, "Ari", "Feldman"),
]


def seed(organization, *, stdout) -> None:
    services.system_roles_sync()
    for local, role_name, first, last in DEMO_PEOPLE:
        email = f"{local}@{organization.subdomain}.test"
        user = User.objects.filter(email=email).first()
        if user is not None and user.status == User.Status.ACTIVE and user.has_usable_password():
            continue  # already seeded: leave it exactly as it is
        role = Role.objects.get(name=role_name)
        user = user or User(email=email)
        user.first_name, user.last_name, user.role = first, last, role
        user.status, user.email_verified = User.Status.ACTIVE, True
        user.set_password(settings.DEMO_PASSWORD)
        user.save()
        user.groups.set([role.group])
