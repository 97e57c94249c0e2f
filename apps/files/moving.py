"""Stored files in an organization archive (apps/tenants/moving/blobs.py says the contract).

Export reads each file through its store (decrypted, when on local disk) and checks it
against its recorded SHA-256; import stores the bytes under the new schema's prefix in this
deployment's current store (encrypted with its key), so the file's storage key, provider and
tag are the new deployment's, and its hash, size and name are the original's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from functools import partial

from django.utils import timezone

from apps.files import storage
from apps.files.models import File
from apps.tenants.moving.blobs import Missing

KIND = "files"


def _read(file: File) -> Iterator[bytes]:
    digest = hashlib.sha256()
    try:
        for chunk in storage.store_for(file.storage_provider).chunks(file.file_path):
            digest.update(chunk)
            yield chunk
    except (storage.IntegrityError, OSError) as exc:
        raise Missing(str(exc)) from exc
    if digest.hexdigest() != file.file_hash:
        raise Missing("the stored bytes do not match the file's SHA-256")


def export_blobs() -> Iterable[tuple[str, Callable[[], Iterator[bytes]]]]:
    # Every row, deleted-but-restorable and expiring ones too: the archive keeps every row.
    for file in File.objects.order_by("pk"):
        yield str(file.pk), partial(_read, file)


def import_blobs(*, entries: list[dict], open_member, schema: str, undo: list) -> None:
    store = storage.current_store()
    by_name = {entry["name"]: entry for entry in entries}
    for file in File.objects.order_by("pk").only("pk"):
        entry = by_name.get(str(file.pk))
        if entry is None or entry.get("missing"):
            # It could not be read at export: the row stays, marked as found damaged.
            File.objects.filter(pk=file.pk).update(integrity_failed_at=timezone.now())
            continue
        stored_filename, key = storage.new_key(schema)
        writer = store.writer(key)
        try:
            for chunk in open_member(entry):
                writer.write(chunk)
            tag = writer.close()
        except BaseException:
            writer.abort()
            raise
        undo.append(partial(store.delete, key))
        File.objects.filter(pk=file.pk).update(
            stored_filename=stored_filename,
            file_path=key,
            storage_provider=store.provider,
            storage_tag=tag,
            is_encrypted=True,
        )


def stored_blobs() -> list[tuple[Callable[[], None], int]]:
    return [
        (partial(storage.store_for(provider).delete, key), size)
        for provider, key, size in File.objects.values_list("storage_provider", "file_path", "file_size")
    ]
