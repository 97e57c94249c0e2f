from pathlib import Path

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


def test_each_app_declares_its_own_models_and_the_audit_app_names_none_above_it():
    from apps.core.discovery import app_modules

    declared = {label for _app, module in app_modules("audit_hooks") for label in getattr(module, "AUDITED", {})}
    assert {"clients.Client", "staff.Staff", "scheduling.Visit", "accounts.User", "files.File"} <= declared
    source = Path(registry.__file__).read_text()
    for app in ("clients.", "staff.", "scheduling.", "notifications.", "files.", "accounts.", "tenants."):
        assert f'"{app}' not in source, f"registry.py names {app} models: declare them in that app's audit_hooks.py"


def test_a_model_declared_twice_is_refused():
    import types

    import pytest

    tables = {name: type(getattr(registry, name))() for name in registry.DECLARED}
    registry.merge("first", types.SimpleNamespace(AUDITED={"clients.Client": {}}), tables)
    with pytest.raises(ValueError, match=r"second.s audit_hooks\.AUDITED repeats"):
        registry.merge("second", types.SimpleNamespace(AUDITED={"clients.Client": {}}), tables)


def test_an_update_is_diffed_against_the_loaded_values_without_reading_the_row_again(one_minute, org_a):
    """The one private name of django-auditlog in use (its registry's update receiver, replaced
    in register_all): if an upgrade stops honouring it, auditlog reads the row before saving."""
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with org_a:
        group = Group.objects.create(name="first")
        group = Group.objects.get(pk=group.pk)
        group.name = "second"
        with CaptureQueriesContext(connection) as queries:
            group.save(update_fields=["name"])
        reads = [q["sql"] for q in queries if q["sql"].startswith("SELECT") and '"auth_group"' in q["sql"]]
        assert reads == []
        updates = LogEntry.objects.filter(object_pk=str(group.pk), action=LogEntry.Action.UPDATE)
        assert [e.changes["name"] for e in updates] == [["first", "second"]]

        # No values remembered (as when unpickled from the cache): auditlog's own receiver reads
        # the row and logs.
        cached = Group.objects.get(pk=group.pk)
        del cached.__dict__[registry.SNAPSHOT]
        cached.name = "third"
        cached.save(update_fields=["name"])
        assert sorted(e.changes["name"][1] for e in updates.all()) == ["second", "third"]
