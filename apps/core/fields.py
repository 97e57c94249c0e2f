"""Encrypted fields: stored as Fernet ciphertext (apps.core.crypto), read back as plain values.

The database, its backups and the audit log (which must mask these fields) never hold the
plaintext. Encrypted values cannot be searched or ordered; keep a separate non-secret
column (such as the last four digits) when a page needs to show or find something.

- EncryptedTextField: text.
- EncryptedJSONField: a JSON value (a client's allergies), stored as the token of its JSON text.
- EncryptedKeysJSONField: a JSON object kept as jsonb whose chosen top-level values are
  tokens (a form's answers to its sensitive fields); the model instance names the keys.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from apps.core import crypto


class EncryptedTextField(models.TextField):
    description = "Text encrypted with the application's field-encryption keys"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))

    def get_db_prep_save(self, value, connection):
        return self.get_prep_value(value)


class EncryptedJSONField(EncryptedTextField):
    """A JSON value in a text column, as the Fernet token of its JSON text. Every value is
    encrypted, an empty list too: that someone has no known allergy is PHI as well.

    A subclass of EncryptedTextField, so what finds encrypted fields by class (the audit
    log's masking, rotate_encryption_keys) finds these too."""

    description = "JSON encrypted with the application's field-encryption keys"
    # For django-stubs: instances hold JSON values (lists, dicts), not text.
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return json.loads(crypto.decrypt(value))

    # As JSONField: the value is the list or dict itself (in Python and in serialized data).
    def to_python(self, value):
        return value

    def get_prep_value(self, value):
        if value is None:
            return value
        return crypto.encrypt(json.dumps(value, cls=DjangoJSONEncoder))

    def value_to_string(self, obj):
        return self.value_from_object(obj)

    def formfield(self, **kwargs):
        return models.Field.formfield(self, **{"form_class": forms.JSONField, **kwargs})


# An encrypted value inside an EncryptedKeysJSONField's object: {"$fernet": "<token>"}.
ENCRYPTED_VALUE = "$fernet"


class _Encrypting(dict):
    """The object being saved and which of its keys to store encrypted (from pre_save)."""

    def __init__(self, value: dict, keys: Iterable[str]):
        super().__init__(value)
        self.encrypted_keys = frozenset(keys)


def encrypt_value(value) -> dict[str, str]:
    return {ENCRYPTED_VALUE: crypto.encrypt(json.dumps(value, cls=DjangoJSONEncoder))}


def is_encrypted_value(value) -> bool:
    return isinstance(value, dict) and len(value) == 1 and ENCRYPTED_VALUE in value


def open_value(value):
    """A stored top-level value in plain: decrypted if it is a token, as it is otherwise."""
    return json.loads(crypto.decrypt(value[ENCRYPTED_VALUE])) if is_encrypted_value(value) else value


class EncryptedKeysJSONField(models.JSONField):
    """A JSON object (jsonb) some of whose top-level values are stored encrypted. Which ones
    the model instance says, at each save, through `encrypted_keys(field_name)`; reading needs
    no one to say, since each encrypted value carries its marker. In Python the object is
    always plain, so whatever hashes or shows it (a signature's content hash) is unchanged."""

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        if isinstance(value, dict) and value:
            keys = set(model_instance.encrypted_keys(self.name)) & value.keys()
            if keys:
                return _Encrypting(value, keys)
        return value

    def get_prep_value(self, value):
        if isinstance(value, _Encrypting):
            value = {k: encrypt_value(v) if k in value.encrypted_keys else v for k, v in value.items()}
        return super().get_prep_value(value)

    def from_db_value(self, value, expression, connection):
        value = super().from_db_value(value, expression, connection)
        if is_encrypted_value(value):
            # One key's value, read on its own (values("answers__key")).
            return open_value(value)
        if isinstance(value, dict):
            return {k: open_value(v) for k, v in value.items()}
        return value
