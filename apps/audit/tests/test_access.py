from datetime import UTC, datetime, timedelta

from apps.audit import services
from apps.audit.models import LogEntry
from conftest import person


def _accesses(user, obj):
    return LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor_id=user.pk, object_pk=str(obj.pk))


def test_opening_a_record_is_logged_once_per_user_object_and_minute(org_a):
    nurse, admin, subject = person(org_a, "nurse"), person(org_a, "admin"), person(org_a, "dsp")
    now = datetime.now(UTC)
    start = now.replace(second=5, microsecond=0)  # this month; a minute on is this month or the next
    with org_a:
        first = services.access_record(obj=subject, user=nurse, now=start)
        assert first is not None and first.additional_data == {"via": "view"}
        assert services.access_record(obj=subject, user=nurse, now=start + timedelta(seconds=40)) is None
        assert _accesses(nurse, subject).count() == 1
        # A new minute, another person, or another kind of access is a new entry.
        assert services.access_record(obj=subject, user=nurse, now=start + timedelta(seconds=60)) is not None
        assert services.access_record(obj=subject, user=admin, now=start) is not None
        assert services.access_record(obj=subject, user=nurse, via="reveal_ssn", now=start) is not None
        assert _accesses(nurse, subject).count() == 3
        assert _accesses(admin, subject).count() == 1


def test_an_anonymous_visitor_is_never_logged_as_someone(org_a):
    from django.contrib.auth.models import AnonymousUser

    subject = person(org_a, "dsp")
    with org_a:
        assert services.access_record(obj=subject, user=AnonymousUser()) is None
        assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()
