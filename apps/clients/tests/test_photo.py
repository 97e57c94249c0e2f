"""A client's photo: a refused upload leaves nothing behind (no file row, no bytes)."""

import io

import pytest
from PIL import Image, ImageFile

from apps.files import storage
from apps.files.models import File
from conftest import signed_in


@pytest.fixture
def private_root(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    settings.AWS_STORAGE_BUCKET_NAME = ""
    storage._store.cache_clear()
    yield settings.PRIVATE_FILES_ROOT
    storage._store.cache_clear()


@pytest.fixture(params=[False, True], ids=["strict Pillow", "after WeasyPrint loosened Pillow"])
def pillow_truncated_images(request, monkeypatch):
    # WeasyPrint sets this for the whole process when it is imported (printing a care plan).
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", request.param)


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def png(size=(1200, 900)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def as_upload(content: bytes, name: str) -> io.BytesIO:
    handle = io.BytesIO(content)
    handle.name = name
    return handle


@pytest.mark.parametrize(
    "content",
    [png()[:80], b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, b"%PDF-1.7\n%%EOF\n"],
    ids=["a truncated PNG", "PNG magic and nothing else", "a PDF named .jpg"],
)
def test_a_photo_that_is_not_a_readable_image_leaves_nothing(
    org_a, maria, private_root, content, pillow_truncated_images
):
    admin = signed_in(org_a, "admin")
    response = admin.post(f"/clients/{maria.pk}/photo/", {"photo": as_upload(content, "photo.jpg")})
    page = response.content.decode()
    assert response.status_code == 400 and 'aria-label="Client record"' in page
    assert "could not be read" in page or "cannot be stored here" in page
    with org_a:
        assert not File.objects.exists()  # deleted ones included: there is no row at all
        maria.refresh_from_db()
    assert maria.photo_id is None and maria.photo_url == ""
    assert stored_files(private_root) == []


def test_a_readable_photo_keeps_the_original_and_its_thumbnail(org_a, maria, private_root):
    admin = signed_in(org_a, "admin")
    assert admin.post(f"/clients/{maria.pk}/photo/", {"photo": as_upload(png(), "maria.png")}).status_code == 302
    with org_a:
        maria.refresh_from_db()
        assert File.objects.filter(object_id=str(maria.pk)).count() == 2
    assert len(stored_files(private_root)) == 2 and maria.photo_url
