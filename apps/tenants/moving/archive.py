"""The organization archive's container: a zip whose members are encrypted under a passphrase.

    archive.json        in the clear: format, the key derivation's parameters, a key check
    manifest.json       encrypted: organization, Starline version, migrations, tables and
                        files with their row counts, sizes and SHA-256 (of the plaintext)
    tables/<table>      encrypted: the table's rows as PostgreSQL COPY text
    blobs/<name>        encrypted: one stored file's bytes

The key is derived from the passphrase with scrypt (salt in archive.json). Each member has a
key of its own (HKDF of the archive key with a random salt written before the member) and is
zlib-compressed, then cut into 64 KiB chunks sealed with AES-256-GCM, each chunk's nonce its
number and a last-chunk flag and the member's name its associated data: a member cannot be
swapped for another, reordered, truncated or extended without decryption failing. Members
stream in and out, so memory stays flat whatever a table's or file's size.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

FORMAT = "starline-organization-archive"
FORMAT_VERSION = 1
HEADER = "archive.json"
MANIFEST = "manifest.json"
CHUNK = 64 * 1024
TAG = 16
SALT = 16
CHECK = b"starline organization archive key check"
MIN_PASSPHRASE = 12
# scrypt's cost: about 0.1 s and 32 MiB per derivation, once per export or import.
SCRYPT = {"n": 2**15, "r": 8, "p": 1}


class ArchiveError(Exception):
    """The archive cannot be used: not one, damaged, or not what its manifest says."""


class WrongPassphrase(ArchiveError):
    pass


def derive_key(passphrase: str, salt: bytes, *, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode())


def _member_key(key: bytes, salt: bytes, name: str) -> AESGCM:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"starline archive " + name.encode()).derive(
        key
    )
    return AESGCM(derived)


def _nonce(counter: int, last: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class MemberWriter:
    """Plaintext in through write(); compressed, encrypted chunks out to the zip member.
    Keeps the plaintext's size and SHA-256 for the manifest."""

    def __init__(self, sink: IO[bytes], *, key: bytes, name: str):
        self.sink = sink
        self.aad = name.encode()
        salt = os.urandom(SALT)
        self.aead = _member_key(key, salt, name)
        sink.write(salt)
        self.compressor = zlib.compressobj(6)
        self.buffer = bytearray()
        self.counter = 0
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self.digest.update(data)
        self.size += len(data)
        self._push(self.compressor.compress(data))

    def _push(self, data: bytes) -> None:
        self.buffer += data
        # One byte held back: the last chunk is only known at close().
        while len(self.buffer) > CHUNK:
            self._emit(bytes(self.buffer[:CHUNK]), last=False)
            del self.buffer[:CHUNK]

    def close(self) -> dict[str, Any]:
        self._push(self.compressor.flush())
        self._emit(bytes(self.buffer), last=True)
        self.buffer = bytearray()
        return {"sha256": self.digest.hexdigest(), "size": self.size}

    def _emit(self, chunk: bytes, *, last: bool) -> None:
        self.sink.write(self.aead.encrypt(_nonce(self.counter, last), chunk, self.aad))
        self.counter += 1


def _read_member(source: IO[bytes], *, key: bytes, name: str) -> Iterator[bytes]:
    aad = name.encode()
    salt = source.read(SALT)
    if len(salt) != SALT:
        raise ArchiveError(f"{name} is cut short")
    aead = _member_key(key, salt, name)
    decompressor = zlib.decompressobj()
    counter = 0
    current = source.read(CHUNK + TAG)
    while True:
        following = source.read(CHUNK + TAG)
        last = not following
        try:
            compressed = aead.decrypt(_nonce(counter, last), current, aad)
        except InvalidTag as exc:
            raise ArchiveError(f"{name} does not decrypt: it was changed or damaged after the export") from exc
        try:
            plain = decompressor.decompress(compressed)
            if last:
                plain += decompressor.flush()
        except zlib.error as exc:
            raise ArchiveError(f"{name} is damaged") from exc
        if plain:
            yield plain
        if last:
            return
        counter += 1
        current = following


class Writer:
    """An archive being written; close() seals it with its manifest."""

    def __init__(self, path: str, *, passphrase: str):
        if len(passphrase) < MIN_PASSPHRASE:
            raise ArchiveError(f"The passphrase must be at least {MIN_PASSPHRASE} characters long.")
        self.zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED, allowZip64=True)
        salt = os.urandom(SALT)
        self.key = derive_key(passphrase, salt, **SCRYPT)
        nonce = os.urandom(12)
        header = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "kdf": {"name": "scrypt", "salt": base64.b64encode(salt).decode(), **SCRYPT},
            "check": base64.b64encode(nonce + AESGCM(self.key).encrypt(nonce, CHECK, FORMAT.encode())).decode(),
        }
        self.zip.writestr(HEADER, json.dumps(header, indent=2))

    def member(self, name: str, chunks: Iterable[bytes]) -> dict[str, Any]:
        with self.zip.open(name, "w", force_zip64=True) as sink:
            writer = MemberWriter(sink, key=self.key, name=name)
            for chunk in chunks:
                writer.write(chunk)
            return writer.close()

    def close(self, manifest: dict[str, Any]) -> None:
        self.member(MANIFEST, [json.dumps(manifest, indent=2, sort_keys=True).encode()])
        self.zip.close()

    def abort(self) -> None:
        self.zip.close()


class Reader:
    def __init__(self, path: str, *, passphrase: str):
        try:
            self.zip = zipfile.ZipFile(path, "r")
            header = json.loads(self.zip.read(HEADER))
        except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise ArchiveError(f"{path} is not a Starline organization archive ({exc}).") from exc
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise ArchiveError(f"{path} is not a Starline organization archive.")
        if header.get("format_version") != FORMAT_VERSION:
            raise ArchiveError(
                f"The archive is in format version {header.get('format_version')}; "
                f"this Starline reads version {FORMAT_VERSION}."
            )
        try:
            kdf = header["kdf"]
            salt = base64.b64decode(kdf["salt"])
            self.key = derive_key(passphrase, salt, n=int(kdf["n"]), r=int(kdf["r"]), p=int(kdf["p"]))
            check = base64.b64decode(header["check"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ArchiveError("The archive's header is damaged.") from exc
        try:
            AESGCM(self.key).decrypt(check[:12], check[12:], FORMAT.encode())
        except InvalidTag:
            raise WrongPassphrase("Wrong passphrase: the archive does not open with it.") from None
        try:
            self.manifest = json.loads(b"".join(self.chunks(MANIFEST)))
        except ValueError as exc:
            raise ArchiveError("The archive's manifest is damaged.") from exc

    def chunks(self, name: str) -> Iterator[bytes]:
        try:
            handle = self.zip.open(name)
        except KeyError:
            raise ArchiveError(f"{name} is missing from the archive") from None
        with handle:
            try:
                yield from _read_member(handle, key=self.key, name=name)
            except (zipfile.BadZipFile, OSError) as exc:
                # The zip's own CRC: bytes changed after the export.
                raise ArchiveError(f"{name} is damaged ({exc})") from exc

    def checked(self, name: str, *, sha256: str, size: int) -> Iterator[bytes]:
        """The member's plaintext, raising ArchiveError at its end unless it is exactly what
        the manifest recorded (a reader acting on the chunks must undo what it did)."""
        digest = hashlib.sha256()
        seen = 0
        for chunk in self.chunks(name):
            digest.update(chunk)
            seen += len(chunk)
            yield chunk
        if digest.hexdigest() != sha256 or seen != size:
            raise ArchiveError(f"{name} does not match its checksum in the manifest")

    def close(self) -> None:
        self.zip.close()


PASSPHRASE_ENV = "STARLINE_EXPORT_PASSPHRASE"  # noqa: S105 - the variable's name, not a secret # nosec B105


def read_passphrase(path: str | None) -> str:
    """The passphrase from a file (its first line) or the environment: never an argument,
    which other users of the machine can read in the process list and the shell's history."""
    if path:
        try:
            with open(path, encoding="utf-8") as handle:
                text = handle.readline().rstrip("\r\n")
        except OSError as exc:
            raise ArchiveError(f"The passphrase file cannot be read: {exc}") from exc
    else:
        text = os.environ.get(PASSPHRASE_ENV, "")
    if not text:
        raise ArchiveError(f"Give the passphrase with --passphrase-file FILE or in {PASSPHRASE_ENV}.")
    return text
