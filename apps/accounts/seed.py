from django.conf import settings
from django.contrib.auth import get_user_model


def seed(organization, *, stdout) -> None:
    """The demo organization's administrator signs in with DEMO_PASSWORD."""
    User = get_user_model()
    email = f"admin@{organization.subdomain}.test"
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_superuser(email=email, password=None)
    if not user.has_usable_password():
        user.first_name, user.last_name = "Avery", "Admin"
        user.set_password(settings.DEMO_PASSWORD)
        user.save(update_fields=["password", "first_name", "last_name"])
