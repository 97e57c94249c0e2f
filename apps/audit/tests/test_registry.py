from django.apps import apps

from apps.accounts.models import TOTPDevice
from apps.audit import registry
from apps.audit.models import LogEntry
from apps.core.fields import EncryptedTextField
from conftest import person


def test_every_model_of_every_app_is_audited_or_exempt_with_a_reason():
    labels = {model._meta.label for model in apps.get_models()}
    missing = sorted(labels - set(registry.AUDITED) - set(registry.EXEMPT))
    assert not missing, f"Register these in apps/audit/registry.py (AUDITED or EXEMPT with a reason): {missing}"
    assert not set(registry.AUDITED) & set(registry.EXEMPT)
    assert all(reason.strip() for reason in registry.EXEMPT.values())
    assert set(registry.AUDITED) | set(registry.EXEMPT) <= labels, "a registry entry names no installed model"


def test_every_encrypted_field_of_an_audited_model_is_masked():
    from auditlog.registry import auditlog

    for label in registry.AUDITED:
        model = apps.get_model(label)
        assert auditlog.contains(model), label
        encrypted = {f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)}
        assert encrypted <= set(auditlog.get_model_fields(model)["mask_fields"]), label


def test_a_secret_never_reaches_the_log_in_plain_text(org_a):
    user = person(org_a, "nurse")
    with org_a:
        device = TOTPDevice.objects.create(user=user, name="phone", key="3132333435363738393031323334353637383930")
        device.key = "00112233445566778899aabbccddeeff00112233"
        device.save()
        user.set_password("a brand new passphrase 77")
        user.save()
        entries = list(LogEntry.objects.filter(object_pk__in=[str(device.pk), str(user.pk)]))
        text = " ".join(str(e.changes) for e in entries)
        assert entries and "3132333435" not in text and "00112233" not in text
        assert "argon2" not in text
        update = next(e for e in entries if e.object_pk == str(device.pk) and e.action == LogEntry.Action.UPDATE)
        assert update.changes["key"] == [registry.MASK, registry.MASK]
