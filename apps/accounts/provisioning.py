"""What a new organization needs from accounts: its first administrator."""

from django.contrib.auth import get_user_model


def organization_provisioned(*, organization, admin_email: str | None) -> None:
    if not admin_email:
        return
    User = get_user_model()
    if User.objects.filter(email__iexact=admin_email).exists():
        return
    # No password yet: the administrator sets one through the password-reset/invitation
    # flow, so no credential is ever printed or mailed in clear.
    User.objects.create_superuser(email=admin_email, password=None)
