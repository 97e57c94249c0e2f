"""Data the benchmark scenarios need beyond seed_demo: a signed-in session for the
authenticated pages, and a CSRF pair for the sign-in POST. Writes bench/results/.auth.json
(git-ignored: it holds a live session key for the throwaway bench database)."""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "starline.settings")

import django  # noqa: E402

django.setup()

from importlib import import_module  # noqa: E402

from django.conf import settings  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402

from apps.accounts import services  # noqa: E402
from apps.accounts.models import User  # noqa: E402
from apps.tenants.models import Organization  # noqa: E402

HOST = "sunrise.localhost"


def _session_for(organization, email: str) -> str:
    with organization:
        user = User.objects.get(email=email)
        request = RequestFactory().get("/", HTTP_HOST=HOST)
        request.organization = organization
        request.session = import_module(settings.SESSION_ENGINE).SessionStore()
        request.user = user
        services.sign_in(request=request, user=user)
        request.session.save()
        return request.session.session_key


def _many_people(organization, count: int = 300) -> None:
    """A realistic agency: a few hundred accounts, so the people list paginates."""
    from django.contrib.auth.hashers import make_password

    from apps.accounts.models import Role

    with organization:
        roles = list(Role.objects.filter(is_system_role=True))
        User.objects.bulk_create(
            [
                User(
                    email=f"staff{i:04d}@sunrise.test",
                    first_name=f"Staff{i:04d}",
                    last_name="Member",
                    role=roles[i % len(roles)],
                    password=make_password(None),
                )
                for i in range(count)
            ],
            ignore_conflicts=True,
        )


def main() -> None:
    organization = Organization.objects.get(subdomain="sunrise")
    _many_people(organization)
    session_key = _session_for(organization, "dsp@sunrise.test")
    admin_session_key = _session_for(organization, "admin@sunrise.test")

    client = Client(HTTP_HOST=HOST)
    page = client.get("/accounts/sign-in/")
    csrf_cookie = client.cookies["csrftoken"].value
    token = page.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    out = ROOT / "bench" / "results" / ".auth.json"
    out.write_text(
        json.dumps(
            {
                "session": session_key,
                "admin_session": admin_session_key,
                "csrf_cookie": csrf_cookie,
                "csrf_token": token,
            }
        )
    )


if __name__ == "__main__":
    main()
