"""Encryption of stored files on local disk: streamed, so memory stays flat.

Each file gets its own random 256-bit data key, wrapped with the deployment's key
(FILES_ENCRYPTION_KEY) and kept in the file's header. The body is AES-256-GCM in 64 KiB
chunks under the STREAM construction: each chunk's nonce is a per-file random prefix, the
chunk's number and a last-chunk flag, so chunks cannot be reordered, dropped or cut off
without decryption failing. A copied disk holds nothing readable without the key.

    header = MAGIC (4) | wrap nonce (12) | wrapped data key (48) | nonce prefix (7)
    chunk  = AES-GCM(data key, prefix | counter (4) | last (1), up to 64 KiB) → +16 bytes

The file's storage key (which starts with its organization's schema) is the associated data
of the key wrap and of every chunk: a stored file copied over another, or into another
organization's place, does not decrypt.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

MAGIC = b"SLF1"
CHUNK = 64 * 1024
TAG = 16
PREFIX = 7
HEADER = len(MAGIC) + 12 + 32 + TAG + PREFIX


class Tampered(Exception):
    """The stored bytes are not what was written: damaged, truncated or replaced."""


def master_key() -> bytes:
    """FILES_ENCRYPTION_KEY (32 bytes, base64) when set; otherwise derived from SECRET_KEY,
    so development needs nothing, and production sets its own (see README)."""
    configured = getattr(settings, "FILES_ENCRYPTION_KEY", "")
    if configured:
        return decode_key(configured)
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"starline files").derive(
        settings.SECRET_KEY.encode()
    )


def decode_key(configured: str) -> bytes:
    try:
        key = base64.b64decode(configured, validate=True)
    except ValueError as exc:
        raise ValueError("FILES_ENCRYPTION_KEY must be base64") from exc
    if len(key) != 32:
        raise ValueError("FILES_ENCRYPTION_KEY must be 32 bytes, base64-encoded")
    return key


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + counter.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


class Encryptor:
    """Push plaintext in with write(); encrypted bytes come out to `sink` as chunks fill."""

    def __init__(self, sink: BinaryIO, *, context: str):
        self.sink = sink
        self.aad = context.encode()
        data_key = AESGCM.generate_key(bit_length=256)
        wrap_nonce = os.urandom(12)
        self.prefix = os.urandom(PREFIX)
        self.aead = AESGCM(data_key)
        self.counter = 0
        self.buffer = bytearray()
        wrapped = AESGCM(master_key()).encrypt(wrap_nonce, data_key, MAGIC + self.aad)
        sink.write(MAGIC + wrap_nonce + wrapped + self.prefix)

    def write(self, data: bytes) -> None:
        self.buffer += data
        # Keep at least one byte back: the last chunk is only known at close().
        while len(self.buffer) > CHUNK:
            self._emit(bytes(self.buffer[:CHUNK]), last=False)
            del self.buffer[:CHUNK]

    def close(self) -> None:
        self._emit(bytes(self.buffer), last=True)
        self.buffer = bytearray()

    def _emit(self, chunk: bytes, *, last: bool) -> None:
        self.sink.write(self.aead.encrypt(_nonce(self.prefix, self.counter, last), chunk, self.aad))
        self.counter += 1


def decrypt(source: BinaryIO, *, context: str) -> Iterator[bytes]:
    """Plaintext chunks of an encrypted file; Tampered as soon as anything does not check."""
    aad = context.encode()
    header = source.read(HEADER)
    if len(header) != HEADER or not header.startswith(MAGIC):
        raise Tampered("not an encrypted Starline file")
    wrap_nonce, wrapped, prefix = header[4:16], header[16 : 16 + 32 + TAG], header[16 + 32 + TAG :]
    try:
        aead = AESGCM(AESGCM(master_key()).decrypt(wrap_nonce, wrapped, MAGIC + aad))
    except InvalidTag as exc:
        raise Tampered("the file's key does not open with this deployment's key, or it belongs elsewhere") from exc
    counter = 0
    current = source.read(CHUNK + TAG)
    while True:
        following = source.read(CHUNK + TAG)
        last = not following
        try:
            yield aead.decrypt(_nonce(prefix, counter, last), current, aad)
        except InvalidTag as exc:
            raise Tampered(f"chunk {counter} does not check") from exc
        if last:
            return
        counter += 1
        current = following
