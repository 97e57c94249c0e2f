"""What the change log costs a write, with the audit log on and off, two ways:

- "request": what a person does: an admin adds a staff record (the invite form) and then
  updates it (the person form), each a POST through the whole stack, in process;
- "orm": the floor: create a staff record and update it, one transaction each, no request.

Clients arrive with a later issue; until then the record is a User (a registered model of
about twenty fields, much like a client row). Rounds alternate on and off so a slow moment
of the machine hits both alike; the median round of each is compared. Run by bench/run.py
in its own process against the bench database; prints one JSON line.
"""

import json
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "starline.settings")
django.setup()

from auditlog.context import disable_auditlog  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402

from apps.accounts.models import Role, User  # noqa: E402
from apps.tenants.models import Organization  # noqa: E402

ROUNDS = 7
PER_ROUND = 40
HOST = "sunrise.localhost"


def _orm(role) -> None:
    with transaction.atomic():
        user = User(email=f"bench-{uuid.uuid4().hex}@sunrise.test", first_name="Bench", last_name="Person", role=role)
        user.set_unusable_password()
        user.save()
    with transaction.atomic():
        user.phone, user.status = "555-0100", User.Status.ACTIVE
        user.save(update_fields=["phone", "status", "updated_at"])


def _request(client: Client, role) -> None:
    email = f"bench-{uuid.uuid4().hex}@sunrise.test"
    response = client.post(
        "/accounts/people/invite/", {"email": email, "first_name": "Bench", "last_name": "Person", "role": role.pk}
    )
    assert response.status_code == 302, response.status_code
    person = User.objects.only("pk").get(email=email)
    response = client.post(f"/accounts/people/{person.pk}/", {"role": role.pk, "status": User.Status.SUSPENDED})
    assert response.status_code == 302, response.status_code


def _round(action, *, audited: bool) -> float:
    start = time.perf_counter()
    for _ in range(PER_ROUND):
        if audited:
            action()
        else:
            with disable_auditlog():
                action()
    return (time.perf_counter() - start) / PER_ROUND * 1000


def _compare(action) -> dict:
    _round(action, audited=True)  # warm caches and connections
    _round(action, audited=False)
    on, off = [], []
    for _ in range(ROUNDS):
        on.append(_round(action, audited=True))
        off.append(_round(action, audited=False))
    on_ms, off_ms = statistics.median(on), statistics.median(off)
    return {"on_ms": round(on_ms, 2), "off_ms": round(off_ms, 2), "ratio": round(on_ms / off_ms, 2)}


def main() -> None:
    organization = Organization.objects.get(subdomain="sunrise")
    with organization:
        role = Role.objects.get(name="Direct Support Professional")
        client = Client(HTTP_HOST=HOST)
        client.force_login(User.objects.get(email="admin@sunrise.test"))
        request = _compare(lambda: _request(client, role))
        orm = _compare(lambda: _orm(role))
    print(
        json.dumps(
            {
                "request": {"operation": "add a staff record, then update it: two POSTs", **request},
                "orm": {"operation": "create + update a staff record, one transaction each", **orm},
            }
        )
    )


if __name__ == "__main__":
    main()
