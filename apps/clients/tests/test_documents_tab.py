"""A client's documents open inside the client's page, header and tab bar included; old links
to /files/on/… lead there, and uploads (kept or refused) come back there."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.files import storage
from apps.files.models import File
from apps.files.tests.conftest import PDF, upload
from conftest import signed_in


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    settings.AWS_STORAGE_BUCKET_NAME = ""
    storage._store.cache_clear()
    yield
    storage._store.cache_clear()


def test_the_documents_tab_keeps_the_clients_header_and_tabs(org_a, maria):
    admin = signed_in(org_a, "admin")
    tab = f"/clients/{maria.pk}/documents/"
    page = admin.get(tab).content.decode()
    assert 'aria-label="Client record"' in page and maria.client_id in page
    assert f'href="{tab}" aria-current="page"' in page
    assert f'href="/clients/{maria.pk}/care-plans/"' in page
    assert 'enctype="multipart/form-data"' in page
    old = admin.get(f"/files/on/clients.client/{maria.pk}/")
    assert old.status_code == 302 and old["Location"] == tab
    overview = admin.get(f"/clients/{maria.pk}/").content.decode()
    assert f'href="{tab}"' in overview and "/files/on/" not in overview


def test_an_upload_to_the_tab_comes_back_to_the_tab_kept_or_refused(org_a, maria):
    admin = signed_in(org_a, "admin")
    tab = f"/clients/{maria.pk}/documents/"
    kept = upload(admin, "consent.pdf", PDF, to=f"clients.client:{maria.pk}")
    assert kept.status_code == 302 and kept["Location"] == tab
    assert "consent.pdf" in admin.get(tab).content.decode()
    refused = upload(admin, "run.exe", b"MZ\x90\x00" + b"\x00" * 64, to=f"clients.client:{maria.pk}")
    page = refused.content.decode()
    assert refused.status_code == 400 and 'aria-label="Client record"' in page
    assert 'id="upload-error"' in page and "run.exe" in page
    with org_a:
        file = File.objects.get(original_filename="consent.pdf")
    deleted = admin.post(f"/files/{file.pk}/delete/")
    assert deleted["Location"] == tab


def test_the_documents_tab_is_closed_to_other_organizations_and_to_people_off_the_record(org_a, org_b, maria):
    assert signed_in(org_b, "admin").get(f"/clients/{maria.pk}/documents/").status_code == 404
    assert signed_in(org_a, "dsp").get(f"/clients/{maria.pk}/documents/").status_code == 404
    assert signed_in(org_a, "hr").get(f"/clients/{maria.pk}/documents/").status_code == 404


def test_the_documents_tab_reads_a_fixed_number_of_queries(one_minute, org_a, maria, django_assert_max_num_queries):
    admin = signed_in(org_a, "admin")
    upload(admin, "doc.pdf", PDF, to=f"clients.client:{maria.pk}")
    with django_assert_max_num_queries(30) as before:
        admin.get(f"/clients/{maria.pk}/documents/")
    for n in range(5):
        upload(admin, f"doc{n}.pdf", PDF, to=f"clients.client:{maria.pk}")
    with CaptureQueriesContext(connection) as after:
        admin.get(f"/clients/{maria.pk}/documents/")
    assert len(after.captured_queries) == len(before.captured_queries)
