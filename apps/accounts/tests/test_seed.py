from django.core.management import call_command

from apps.accounts.models import User
from apps.tenants.models import Organization
from conftest import host_client


def test_demo_organizations_have_one_person_per_system_role_with_the_demo_password(db, settings):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    sunrise = Organization.objects.get(subdomain="sunrise")
    with sunrise:
        people = {u.email: u for u in User.objects.select_related("role")}
        for local in ("admin", "manager", "dsp", "nurse", "scheduler", "billing", "hr", "auditor"):
            user = people[f"{local}@sunrise.test"]
            assert user.status == "active" and user.role is not None and not user.two_factor_enabled
            assert user.check_password(settings.DEMO_PASSWORD)
    response = host_client("sunrise.localhost").post(
        "/accounts/sign-in/", {"email": "manager@sunrise.test", "password": settings.DEMO_PASSWORD}
    )
    assert response.status_code == 302
