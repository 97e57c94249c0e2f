import pytest


@pytest.fixture
def private_root(settings, tmp_path):
    from apps.files import storage

    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    settings.AWS_STORAGE_BUCKET_NAME = ""
    storage._store.cache_clear()
    yield
    storage._store.cache_clear()


@pytest.fixture
def records(org_a, private_root):
    """The demo data in organization A, and one record of each kind a URL names."""
    from apps.core.tests.urlmap import records_for

    return records_for(org_a)
