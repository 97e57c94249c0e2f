"""The staff record's profile photo (profile_picture_url, as clients have theirs) and a
certification's document_url, which points at the newest document attached to it."""

import io

import pytest
from PIL import Image

from apps.files import storage
from apps.files.models import File
from apps.files.tests.conftest import PDF, upload
from apps.staff.tests.test_staff import make_staff, save_cert
from conftest import signed_in


@pytest.fixture
def private_root(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    settings.AWS_STORAGE_BUCKET_NAME = ""
    storage._store.cache_clear()
    yield settings.PRIVATE_FILES_ROOT
    storage._store.cache_clear()


def as_upload(content: bytes, name: str) -> io.BytesIO:
    handle = io.BytesIO(content)
    handle.name = name
    return handle


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (900, 1200), (30, 90, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def test_hr_gives_a_staff_member_a_photo_shown_on_every_tab(org_a, private_root):
    dana = make_staff(org_a)
    hr = signed_in(org_a, "hr")
    assert hr.post(f"/staff/{dana.pk}/photo/", {"photo": as_upload(png(), "dana.png")}).status_code == 302
    with org_a:
        dana.refresh_from_db()
        thumbnail = File.objects.get(pk=dana.photo_id)
    assert thumbnail.mime_type == "image/jpeg" and dana.profile_picture_url == f"/files/{thumbnail.pk}/download/"
    data = b"".join(hr.get(dana.profile_picture_url).streaming_content)
    assert max(Image.open(io.BytesIO(data)).size) == 320
    for tab in ("", "certifications/", "training/", "documents/"):
        assert f'src="{dana.profile_picture_url}"' in hr.get(f"/staff/{dana.pk}/{tab}").content.decode()


@pytest.mark.parametrize("content", [png()[:80], b"%PDF-1.7\n%%EOF\n"], ids=["a truncated PNG", "a PDF"])
def test_a_refused_staff_photo_leaves_nothing(org_a, private_root, content):
    dana = make_staff(org_a)
    response = signed_in(org_a, "hr").post(f"/staff/{dana.pk}/photo/", {"photo": as_upload(content, "dana.jpg")})
    assert response.status_code == 400 and 'aria-label="Staff record"' in response.content.decode()
    assert "could not be read" in response.content.decode() or "cannot be stored here" in response.content.decode()
    with org_a:
        assert not File.objects.exists()
        dana.refresh_from_db()
    assert dana.photo_id is None and dana.profile_picture_url == ""
    assert not [p for p in private_root.rglob("*") if p.is_file()] if private_root.exists() else True


def test_only_people_who_change_staff_records_upload_photos(org_a, org_b, private_root):
    dana = make_staff(org_a)
    assert (
        signed_in(org_a, "manager").post(f"/staff/{dana.pk}/photo/", {"photo": as_upload(png(), "d.png")}).status_code
        == 403
    )
    assert (
        signed_in(org_b, "hr").post(f"/staff/{dana.pk}/photo/", {"photo": as_upload(png(), "d.png")}).status_code == 404
    )


def test_a_certifications_document_url_follows_its_attached_documents(org_a, private_root):
    import datetime as dt

    dana = make_staff(org_a)
    with org_a:
        cert = save_cert(
            staff=dana, certification_type="CPR", issue_date=dt.date(2026, 1, 1), expiry_date=dt.date(2028, 1, 1)
        )
    hr = signed_in(org_a, "hr")
    upload(hr, "cpr-2026.pdf", PDF, to=f"staff.certification:{cert.pk}")
    with org_a:
        cert.refresh_from_db()
        first = File.objects.get(original_filename="cpr-2026.pdf")
    assert cert.document_id == first.pk and cert.document_url == f"/files/{first.pk}/download/"
    page = hr.get(f"/staff/{dana.pk}/certifications/").content.decode()
    assert f'href="{cert.document_url}"' in page
    assert hr.get(cert.document_url).status_code == 200
    upload(hr, "cpr-2026-back.pdf", PDF, to=f"staff.certification:{cert.pk}")
    with org_a:
        second = File.objects.get(original_filename="cpr-2026-back.pdf")
        cert.refresh_from_db()
    assert cert.document_id == second.pk
    hr.post(f"/files/{second.pk}/delete/")
    with org_a:
        cert.refresh_from_db()
    assert cert.document_id == first.pk
    hr.post(f"/files/{first.pk}/delete/")
    with org_a:
        cert.refresh_from_db()
    assert cert.document_id is None and cert.document_url == ""
    hr.post(f"/files/{first.pk}/restore/")
    with org_a:
        cert.refresh_from_db()
    assert cert.document_id == first.pk
