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


def main() -> None:
    organization = Organization.objects.get(subdomain="sunrise")
    with organization:
        user = User.objects.get(email="dsp@sunrise.test")
        request = RequestFactory().get("/", HTTP_HOST=HOST)
        request.organization = organization
        request.session = import_module(settings.SESSION_ENGINE).SessionStore()
        request.user = user
        services.sign_in(request=request, user=user)
        request.session.save()
        session_key = request.session.session_key

    client = Client(HTTP_HOST=HOST)
    page = client.get("/accounts/sign-in/")
    csrf_cookie = client.cookies["csrftoken"].value
    token = page.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    out = ROOT / "bench" / "results" / ".auth.json"
    out.write_text(json.dumps({"session": session_key, "csrf_cookie": csrf_cookie, "csrf_token": token}))


if __name__ == "__main__":
    main()
