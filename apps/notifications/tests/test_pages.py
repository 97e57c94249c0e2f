import re

from apps.notifications import services
from apps.notifications.models import Notification
from conftest import person, signed_in


def _for(organization, local, **kwargs):
    user = person(organization, local)
    with organization:
        return services.notify(
            recipients=[user], type="test.event", title=kwargs.pop("title", "Shift swap"), message="Details", **kwargs
        )[0]


def test_the_bell_counts_unread_and_reading_clears_it(org_a):
    first = _for(org_a, "dsp")
    _for(org_a, "dsp", title="Second")
    client = signed_in(org_a, "dsp")
    assert client.get("/notifications/unread-count/").json() == {"unread": 2}
    assert 'class="bell-count" aria-hidden="true">2<' in client.get("/").content.decode()
    assert client.post(f"/notifications/{first.pk}/read/").status_code == 302
    assert client.get("/notifications/unread-count/").json() == {"unread": 1}
    client.post("/notifications/read-all/")
    assert client.get("/notifications/unread-count/").json() == {"unread": 0}
    with org_a:
        assert set(Notification.objects.values_list("status", flat=True)) == {Notification.Status.READ}


def test_the_centre_lists_only_ones_own_with_filters(org_a):
    _for(org_a, "dsp", title="Mine, urgent", priority="urgent")
    _for(org_a, "dsp", title="Mine, normal")
    _for(org_a, "nurse", title="Not mine")
    client = signed_in(org_a, "dsp")
    html = client.get("/notifications/").content.decode()
    assert "Mine, urgent" in html and "Mine, normal" in html and "Not mine" not in html
    html = client.get("/notifications/?priority=urgent").content.decode()
    assert "Mine, urgent" in html and "Mine, normal" not in html
    assert "No notifications yet" in signed_in(org_a, "hr").get("/notifications/").content.decode()


def test_someone_elses_notification_cannot_be_marked_read(org_a, org_b):
    theirs = _for(org_a, "nurse")
    assert signed_in(org_a, "dsp").post(f"/notifications/{theirs.pk}/read/").status_code == 404
    beta = signed_in(org_b, "nurse")
    assert beta.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    with org_a:
        assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_signed_out_visitors_are_sent_to_sign_in(client_a):
    for url in ("/notifications/", "/notifications/unread-count/"):
        response = client_a.get(url)
        assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]


def test_marking_read_only_follows_links_on_this_site(org_a):
    mine = _for(org_a, "dsp")
    client = signed_in(org_a, "dsp")
    assert client.post(f"/notifications/{mine.pk}/read/", {"next": "https://evil.example/"})["Location"] == (
        "/notifications/"
    )


def _ticked(html: str, name: str) -> bool:
    box = re.search(rf'<input [^>]*name="{re.escape(name)}"[^>]*>', html)
    return box is not None and " checked" in box.group(0)


def test_a_person_turns_a_kind_off_and_stops_getting_it_there(org_a):
    client = signed_in(org_a, "dsp")
    page = client.get("/notifications/settings/")
    assert page.status_code == 200 and _ticked(page.content.decode(), "general.announcement:email")
    # Everything ticked but email for announcements.
    response = client.post(
        "/notifications/settings/", {"general.announcement:in_app": "on", "general.announcement:sms": "on"}
    )
    assert response.status_code == 302
    dsp = person(org_a, "dsp")
    with org_a:
        (sent,) = services.notify(
            recipients=[dsp], type="general.announcement", title="T", message="M", channels=["in_app", "email"]
        )
        assert sent.channels == ["in_app"]
    assert not _ticked(client.get("/notifications/settings/").content.decode(), "general.announcement:email")
    # Someone else's settings are their own.
    nurse_page = signed_in(org_a, "nurse").get("/notifications/settings/").content.decode()
    assert _ticked(nurse_page, "general.announcement:email")


def test_a_kind_the_organization_requires_cannot_be_turned_off(org_a):
    org_a.settings = {**org_a.settings, "notifications": {"mandatory": ["general.announcement"]}}
    org_a.save(update_fields=["settings"])
    client = signed_in(org_a, "dsp")
    html = client.get("/notifications/settings/").content.decode()
    assert "Required by your organization" in html and "disabled" in html
    client.post("/notifications/settings/", {})
    dsp = person(org_a, "dsp")
    with org_a:
        assert not dsp.notification_preferences.filter(notification_type="general.announcement", enabled=False).exists()
        assert dsp.notification_preferences.filter(notification_type="digest.daily", enabled=False).count() == 3


def test_the_centre_takes_the_same_queries_for_few_or_many(one_minute, org_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(org_a, "dsp")
    _for(org_a, "dsp")
    client.get("/notifications/")
    with CaptureQueriesContext(connection) as few:
        client.get("/notifications/")
    for n in range(20):
        _for(org_a, "dsp", title=f"More {n}")
    client.get("/notifications/")  # the bell's count, cached again as before
    with CaptureQueriesContext(connection) as many:
        client.get("/notifications/")
    assert len(few) == len(many)
