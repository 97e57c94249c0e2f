import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import Role, User
from apps.notifications import services
from apps.notifications.models import Notification
from conftest import person


def _notify(organization, recipients, **kwargs):
    defaults = {"type": "test.event", "title": "Care plan review due", "message": "Please review."}
    with organization:
        return services.notify(recipients=recipients, organization=organization, **{**defaults, **kwargs})


def test_a_role_reaches_each_of_its_active_members_once(org_a):
    with org_a:
        nurses = Role.objects.get(name="Nurse")
        nurse = User.objects.get(email="nurse@alpha.test")
        colleague = User.objects.create(email="nurse2@alpha.test", role=nurses, status=User.Status.ACTIVE)
        User.objects.create(email="gone@alpha.test", role=nurses, status=User.Status.INACTIVE)
    created = _notify(org_a, [nurses, nurse])  # the nurse named twice: once is enough
    assert sorted(n.user_id for n in created) == sorted([nurse.pk, colleague.pk])
    assert all(n.status == Notification.Status.DELIVERED and n.sent_at for n in created)


def test_a_person_who_turned_a_type_off_does_not_get_it_unless_it_is_mandatory(org_a):
    dsp, nurse = person(org_a, "dsp"), person(org_a, "nurse")
    with org_a:
        services.preference_set(user=dsp, notification_type="test.event", channel="in_app", enabled=False)
    assert [n.user_id for n in _notify(org_a, [dsp, nurse])] == [nurse.pk]
    org_a.settings = {**org_a.settings, "notifications": {"mandatory": ["test.event"]}}
    assert {n.user_id for n in _notify(org_a, [dsp, nurse])} == {dsp.pk, nurse.pk}


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [({"channels": ["carrier_pigeon"]}, ValueError), ({"priority": "whenever"}, ValueError)],
)
def test_unknown_channels_and_priorities_are_refused(org_a, kwargs, error):
    with pytest.raises(error):
        _notify(org_a, [person(org_a, "dsp")], **kwargs)


def test_a_thousand_recipients_take_a_constant_number_of_queries(one_minute, org_a):
    with org_a:
        role = Role.objects.get(name="Direct Support Professional")
        User.objects.bulk_create(
            [User(email=f"bulk{i}@alpha.test", role=role, status=User.Status.ACTIVE) for i in range(300)]
        )
    with CaptureQueriesContext(connection) as queries:
        created = _notify(org_a, [role])
    # Savepoint in and out, the role's members, preferences, the organization's in-app
    # wording, the insert: the same for 3 people or 301.
    assert len(created) == 301 and len(queries) <= 7


def test_nothing_crosses_to_another_organization(org_a, org_b):
    _notify(org_a, [person(org_a, "dsp")])
    with org_b:
        assert not Notification.objects.exists()


def test_a_lazy_translation_as_title_is_stored_as_text(org_a):
    from django.utils.translation import gettext_lazy

    with org_a:
        (notification,) = services.notify(
            recipients=[person(org_a, "dsp")], type="general.announcement", title=gettext_lazy("Email"), message="m"
        )
        notification.refresh_from_db()
    assert notification.title == "Email" and notification.context["title"] == "Email"


def test_deliveries_are_written_with_the_notification_and_roll_back_with_it(org_a):
    from django.db import transaction

    from apps.notifications.models import Delivery

    with org_a:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.notify(
                recipients=[person(org_a, "dsp")],
                type="general.announcement",
                title="t",
                message="m",
                channels=["email"],
            )
            assert Delivery.objects.count() == 1  # before any commit
            raise RuntimeError
        assert not Delivery.objects.exists() and not Notification.objects.exists()


def test_a_notification_reads_delivered_when_any_channel_delivered_it(org_a):
    from apps.notifications.models import Delivery

    with org_a:
        (notification,) = services.notify(
            recipients=[person(org_a, "dsp")],
            type="general.announcement",
            title="t",
            message="m",
            channels=["email", "sms"],
        )
        email, text = (Delivery.objects.get(notification=notification, channel=c) for c in ("email", "sms"))
        Delivery.objects.filter(pk=text.pk).update(status="sent", provider_id="SMX")
        services.delivery_report(channel="sms", provider_id="SMX", state="delivered")
        Delivery.objects.filter(pk=email.pk).update(status="failed")
        email.refresh_from_db()
        services.settle(email)
        notification.refresh_from_db()
        assert notification.status == "delivered"
        Delivery.objects.filter(pk=text.pk).update(status="failed")
        services.settle(email)
        notification.refresh_from_db()
        assert notification.status == "failed"
