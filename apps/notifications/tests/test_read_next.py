"""Marking a notification read follows its "next" only when that is a path on this site: a bare
word or a date ("0000-00-00") was taken by redirect() for a view's name, a 500."""

import pytest

from apps.notifications.models import Notification
from apps.notifications.tests.test_pages import _for
from conftest import signed_in


@pytest.mark.parametrize("target", ["0000-00-00", "x", "notifications:centre"])
def test_a_next_that_is_no_path_goes_to_the_centre_and_still_marks_read(org_a, target):
    mine = _for(org_a, "dsp")
    response = signed_in(org_a, "dsp").post(f"/notifications/{mine.pk}/read/", {"next": target})
    assert response.status_code == 302 and response["Location"] == "/notifications/"
    with org_a:
        assert Notification.objects.get(pk=mine.pk).read_at is not None


def test_a_next_that_is_a_path_is_followed(org_a):
    mine = _for(org_a, "dsp")
    response = signed_in(org_a, "dsp").post(f"/notifications/{mine.pk}/read/", {"next": "/clients/"})
    assert response["Location"] == "/clients/"
