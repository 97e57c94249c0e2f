"""The administrators' home: emails and texts that failed lately."""

import datetime as dt

from django.utils import timezone

from apps.notifications.models import Delivery, Notification
from conftest import person, signed_in


def test_an_admin_sees_recent_failed_deliveries_only(org_a):
    with org_a:
        note = Notification.objects.create(user=person(org_a, "dsp"), notification_type="x", title="T", message="M")
        failed = Delivery.objects.create(
            notification=note, channel="sms", status=Delivery.Status.FAILED, last_error="30003"
        )
        Delivery.objects.create(notification=note, channel="email", status=Delivery.Status.SENT)
        old_note = Notification.objects.create(user=person(org_a, "dsp"), notification_type="x", title="T", message="M")
        old = Delivery.objects.create(notification=old_note, channel="email", status=Delivery.Status.FAILED)
        Delivery.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=30))
    response = signed_in(org_a, "admin").get("/")
    (panel,) = [p for p in response.context["panels"] if p["key"] == "failed_deliveries"]
    assert panel["context"]["rows"] == [failed]
    assert "30003" in response.content.decode()


def test_auditors_read_deliveries_but_do_not_get_them_on_their_home(org_a):
    keys = [p["key"] for p in signed_in(org_a, "auditor").get("/").context["panels"]]
    assert "failed_deliveries" not in keys
