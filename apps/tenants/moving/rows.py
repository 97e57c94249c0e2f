"""Tables as PostgreSQL COPY text, and the encrypted columns inside them.

An archive must open on another cluster, whose FIELD_ENCRYPTION_KEYS are not this one's. So
the values of encrypted fields leave as plaintext (inside the archive, which is encrypted
under the passphrase) and are encrypted with the importing cluster's keys on the way in,
in the stream: the plaintext never reaches either database.

COPY text: one row per line, columns separated by tabs, NULL as \\N, and backslash, tab,
newline and carriage return written as backslash escapes; so a line and a column split on
the raw characters, and a Fernet token (URL-safe base64) needs no escaping.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator

from django.apps import apps

from apps.core import crypto
from apps.core.fields import ENCRYPTED_VALUE, EncryptedKeysJSONField, EncryptedTextField, is_encrypted_value

NULL = "\\N"
# Inside an EncryptedKeysJSONField object in the archive: a value that is encrypted in the
# database, in plain.
PLAIN_VALUE = "$starline_archive_plain"
WHOLE = "whole"
INSIDE = "inside"

_ESCAPES = {"\\": "\\", "n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", "v": "\v"}
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)


def unescape(field: str) -> str:
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)), field)


def escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


def encrypted_columns() -> dict[str, dict[str, str]]:
    """{table: {column: WHOLE or INSIDE}} of every model's encrypted fields."""
    found: dict[str, dict[str, str]] = {}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                found.setdefault(model._meta.db_table, {})[field.column] = WHOLE
            elif isinstance(field, EncryptedKeysJSONField):
                found.setdefault(model._meta.db_table, {})[field.column] = INSIDE
    return found


def _reveal_inside(text: str) -> str:
    data = json.loads(text)
    if not isinstance(data, dict) or not any(is_encrypted_value(v) for v in data.values()):
        return text
    return json.dumps(
        {
            k: {PLAIN_VALUE: json.loads(crypto.decrypt(v[ENCRYPTED_VALUE]))} if is_encrypted_value(v) else v
            for k, v in data.items()
        }
    )


def _seal_inside(text: str) -> str:
    data = json.loads(text)
    if not isinstance(data, dict):
        return text
    sealed = {}
    for k, v in data.items():
        if isinstance(v, dict) and len(v) == 1 and PLAIN_VALUE in v:
            v = {ENCRYPTED_VALUE: crypto.encrypt(json.dumps(v[PLAIN_VALUE]))}
        sealed[k] = v
    return json.dumps(sealed)


# Export: database value -> archive value; import: the reverse. Empty text is never encrypted.
REVEAL: dict[str, Callable[[str], str]] = {WHOLE: crypto.decrypt, INSIDE: _reveal_inside}
SEAL: dict[str, Callable[[str], str]] = {WHOLE: crypto.encrypt, INSIDE: _seal_inside}


def converter(columns: list[str], kinds: dict[str, str], table: dict[str, Callable[[str], str]]):
    """A function over one COPY line's fields converting the encrypted columns, or None
    when the table has none."""
    positions = {i: table[kinds[name]] for i, name in enumerate(columns) if name in kinds}
    if not positions:
        return None

    def convert(line: str) -> str:
        fields = line.split("\t")
        for i, function in positions.items():
            if fields[i] not in (NULL, ""):
                fields[i] = escape(function(unescape(fields[i])))
        return "\t".join(fields)

    return convert


def lines_through(chunks: Iterable[bytes], convert: Callable[[str], str]) -> Iterator[bytes]:
    """Re-chunk a COPY text stream at line ends and pass each line through `convert`."""
    rest = b""
    for chunk in chunks:
        rest += chunk
        if b"\n" not in rest:
            continue
        complete, _, rest = rest.rpartition(b"\n")
        yield "".join(convert(line) + "\n" for line in complete.decode().split("\n")).encode()
    if rest:
        raise ValueError("the table's data ends in the middle of a row")
