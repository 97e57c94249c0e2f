"""An agency's data moving to another cluster (issue 28 §7): the archive written here is restored
by `import_organization` run as its own process against a second PostgreSQL cluster that this
test starts (Debian's PostgreSQL 15, a temporary directory, a spare port), a Starline there with
keys of its own. The rows arrive whole, the files open, the encrypted columns read under the
other deployment's keys, and the audit chain verifies there."""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from cryptography.fernet import Fernet
from django.db import connection

from apps.core.tests.faults import PostgresCluster, copy_database
from apps.tenants.moving import catalog
from apps.tenants.tests.test_moving import DIAGNOSIS, PDF, counts, export, roots, seeded  # noqa: F401 - fixtures

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[3]


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    return done.stdout


def test_an_archive_restores_on_another_cluster_with_its_own_keys(org_a, seeded, roots):  # noqa: F811 - fixture
    path = roots / "alpha.starline"
    export(org_a, path)
    before = counts(org_a.schema_name)
    with PostgresCluster() as other:
        # The other deployment: this code, migrated (a copy of the test database's committed
        # state: the shared schema, the clone template and the test's standing organizations,
        # none of which is the one moving), its own files directory and keys.
        copy_database(connection.settings_dict, other)
        env = {
            **os.environ,
            "DATABASE_URL": other.url("starline"),
            "DATABASE_OWNER_URL": "",
            "DEBUG": "False",
            "STARLINE_TESTING": "1",
            "REDIS_URL": "",
            "SECRET_KEY": "another deployment's secret key, long enough to be one",
            "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "FILES_ENCRYPTION_KEY": base64.b64encode(os.urandom(32)).decode(),
            "PRIVATE_FILES_ROOT": str(roots / "other-private"),
            "MEDIA_ROOT": str(roots / "other-media"),
            "AWS_STORAGE_BUCKET_NAME": "",
        }
        _manage(
            env,
            "import_organization",
            str(path),
            "--subdomain",
            "alpha-away",
            "--passphrase-file",
            str(roots / "passphrase"),
        )

        with psycopg.connect(other.url("starline"), autocommit=True) as db:
            after = {}
            schema = catalog.ident("org_alpha_away")
            for table in before:
                # Names from the catalog, quoted.
                sql = f"SELECT count(*) FROM {schema}.{catalog.ident(table)}"  # nosec B608
                (after[table],) = db.execute(sql).fetchone()
            (home,) = db.execute(
                "SELECT schema_name FROM tenants_organization WHERE subdomain = 'alpha-away'"
            ).fetchone()
        assert home == "org_alpha_away"
        # Live sessions are credentials and stay behind; every other row arrived.
        assert after.pop("django_session") == 0
        before.pop("django_session")
        assert after == before and after["clients_client"] >= 2 and after["files_file"] == 2

        assert "intact" in _manage(env, "verify_audit_chain", "--schema", "org_alpha_away")
        # Read there through that deployment's own keys: the diagnosis (an encrypted column)
        # and the stored file's bytes.
        probe = (
            "from apps.tenants.models import Organization\n"
            "from apps.clients.models import Client\n"
            "from apps.files.models import File\n"
            "from apps.files import storage\n"
            "import hashlib\n"
            "with Organization.objects.get(subdomain='alpha-away'):\n"
            "    print(sorted(c.primary_diagnosis for c in Client.objects.all()))\n"
            "    for f in File.objects.filter(deleted_at=None):\n"
            "        chunks = storage.store_for(f.storage_provider).chunks(f.file_path)\n"
            "        print(hashlib.sha256(b''.join(chunks)).hexdigest())\n"
        )
        out = _manage(env, "shell", "-c", probe)
    assert repr(DIAGNOSIS) in out
    assert hashlib.sha256(PDF).hexdigest() in out
