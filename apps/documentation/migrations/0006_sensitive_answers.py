"""Answers to fields marked sensitive are stored encrypted inside the answers (issue 25 §8).

The columns stay jsonb. Forward there is nothing to encrypt: no field could be marked
sensitive before this migration (the structure's schema refused the flag). Reversed, every
encrypted answer is decrypted back into plain JSON, in batches, so the older code reads it.
"""

import json

from django.db import migrations

import apps.core.fields
from apps.core.encrypted_columns import rewrite
from apps.core.fields import ENCRYPTED_VALUE, is_encrypted_value, open_value

HOLDS_ENCRYPTED = f"::text LIKE '%%{ENCRYPTED_VALUE}%%'"


def _opened(text):
    data = json.loads(text)
    if not isinstance(data, dict) or not any(is_encrypted_value(v) for v in data.values()):
        return None
    return json.dumps({k: open_value(v) for k, v in data.items()})


def decrypt(apps, schema_editor):
    for table, column in (
        ("documentation_formsubmission", "submission_data"),
        ("documentation_submissionevent", "answers"),
    ):
        rewrite(table, [column], _opened, where=f'"{column}"{HOLDS_ENCRYPTED}')


class Migration(migrations.Migration):
    dependencies = [
        ("documentation", "0005_signature_head"),
    ]

    operations = [
        migrations.AlterField(
            model_name="formsubmission",
            name="submission_data",
            field=apps.core.fields.EncryptedKeysJSONField(default=dict, verbose_name="answers"),
        ),
        migrations.AlterField(
            model_name="submissionevent",
            name="answers",
            field=apps.core.fields.EncryptedKeysJSONField(blank=True, null=True),
        ),
        migrations.RunPython(migrations.RunPython.noop, decrypt),
    ]
