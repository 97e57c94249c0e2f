"""Provisioning timings: organizations created by cloning the template vs by replaying
migrations. Run by bench/run.py in its own process; prints one JSON line."""

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "starline.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.test import override_settings  # noqa: E402

from apps.core.tenancy import tenant_connection  # noqa: E402
from apps.tenants import services  # noqa: E402
from apps.tenants.models import Organization  # noqa: E402


def _drop(subdomain: str) -> None:
    tenant_connection().set_schema_to_public()
    organization = Organization.objects.filter(subdomain=subdomain).first()
    if organization is not None:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{organization.schema_name}" CASCADE')
        organization.domains.all().delete()
        Organization.objects.filter(pk=organization.pk).delete()


def _time_create(subdomain: str) -> float:
    _drop(subdomain)
    started = time.perf_counter()
    services.organization_create(
        name="Bench Org", subdomain=subdomain, contact_email="bench@example.org", admin_email="a@bench.test"
    )
    elapsed = time.perf_counter() - started
    _drop(subdomain)
    return elapsed


def main(rounds: int) -> None:
    services.template_schema_ensure()
    _time_create("bench-warmup")  # first use installs django-tenants' clone function
    clone = [_time_create(f"bench-clone-{i}") for i in range(rounds)]
    with override_settings(TENANT_CREATION_FAKES_MIGRATIONS=False):
        migrate = [_time_create(f"bench-migrate-{i}") for i in range(max(3, rounds // 2))]
    print(
        json.dumps(
            {
                "clone_s": round(statistics.median(clone), 4),
                "migrate_s": round(statistics.median(migrate), 4),
                "clone_runs": len(clone),
                "migrate_runs": len(migrate),
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
