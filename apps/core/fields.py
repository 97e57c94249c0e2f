"""EncryptedTextField: stored as Fernet ciphertext, read back as text.

The database, its backups and the audit log (which must mask these fields) never hold the
plaintext. Encrypted values cannot be searched or ordered; keep a separate non-secret
column (such as the last four digits) when a page needs to show or find something.
"""

from __future__ import annotations

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
