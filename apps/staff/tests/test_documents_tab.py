"""A staff member's documents open inside their page, header and tab bar included."""

import pytest

from apps.files import storage
from apps.files.tests.conftest import PDF, upload
from apps.staff.tests.test_staff import make_staff
from conftest import signed_in


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    settings.AWS_STORAGE_BUCKET_NAME = ""
    storage._store.cache_clear()
    yield
    storage._store.cache_clear()


def test_the_documents_tab_keeps_the_staff_members_header_and_tabs(org_a):
    dana = make_staff(org_a)
    hr = signed_in(org_a, "hr")
    tab = f"/staff/{dana.pk}/documents/"
    page = hr.get(tab).content.decode()
    assert 'aria-label="Staff record"' in page and dana.employee_id in page
    assert f'href="{tab}" aria-current="page"' in page
    old = hr.get(f"/files/on/staff.staff/{dana.pk}/")
    assert old.status_code == 302 and old["Location"] == tab
    kept = upload(hr, "i9.pdf", PDF, to=f"staff.staff:{dana.pk}")
    assert kept.status_code == 302 and kept["Location"] == tab
    assert "i9.pdf" in hr.get(tab).content.decode()
    refused = upload(hr, "run.exe", b"MZ\x90\x00" + b"\x00" * 64, to=f"staff.staff:{dana.pk}")
    assert refused.status_code == 400 and 'aria-label="Staff record"' in refused.content.decode()


def test_the_documents_tab_is_closed_to_other_organizations_and_roles_without_staff_access(org_a, org_b):
    dana = make_staff(org_a)
    assert signed_in(org_b, "hr").get(f"/staff/{dana.pk}/documents/").status_code == 404
    assert signed_in(org_a, "dsp").get(f"/staff/{dana.pk}/documents/").status_code == 403
