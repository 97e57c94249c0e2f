"""Diagnoses, allergies, diets and contacts' notes encrypted at rest (issue 25 §8).

The JSON lists become text columns holding a Fernet token of their JSON; existing values are
encrypted in batches (apps.core.encrypted_columns), inside this migration's one transaction
per schema. Reversed, the values are decrypted first and the lists become jsonb again.
"""

import json

from django.db import migrations

import apps.core.fields
from apps.core import crypto
from apps.core.encrypted_columns import rewrite

CLIENT_JSON = ["secondary_diagnoses", "allergies", "dietary_restrictions"]


def _encrypt_json(text):
    return crypto.encrypt(json.dumps(json.loads(text)))


def _decrypt_json(token):
    return json.dumps(json.loads(crypto.decrypt(token)))


def encrypt(apps, schema_editor):
    rewrite("clients_client", ["primary_diagnosis"], crypto.encrypt)
    rewrite("clients_client", CLIENT_JSON, _encrypt_json)
    rewrite("clients_clientcontact", ["notes"], crypto.encrypt)


def decrypt(apps, schema_editor):
    rewrite("clients_client", ["primary_diagnosis"], crypto.decrypt)
    rewrite("clients_client", CLIENT_JSON, _decrypt_json)
    rewrite("clients_clientcontact", ["notes"], crypto.decrypt)


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0009_constraint_messages"),
    ]

    operations = [
        migrations.AlterField(
            model_name="client",
            name="primary_diagnosis",
            field=apps.core.fields.EncryptedTextField(blank=True, verbose_name="primary diagnosis"),
        ),
        migrations.AlterField(
            model_name="client",
            name="secondary_diagnoses",
            field=apps.core.fields.EncryptedJSONField(blank=True, default=list, verbose_name="secondary diagnoses"),
        ),
        migrations.AlterField(
            model_name="client",
            name="allergies",
            field=apps.core.fields.EncryptedJSONField(blank=True, default=list, verbose_name="allergies"),
        ),
        migrations.AlterField(
            model_name="client",
            name="dietary_restrictions",
            field=apps.core.fields.EncryptedJSONField(blank=True, default=list, verbose_name="dietary restrictions"),
        ),
        migrations.AlterField(
            model_name="clientcontact",
            name="notes",
            field=apps.core.fields.EncryptedTextField(blank=True, verbose_name="notes"),
        ),
        migrations.RunPython(encrypt, decrypt),
    ]
