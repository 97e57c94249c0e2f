"""Labels made once, at import time (the compliance matrix's states, audit actions), are shown
in the reader's language like everything else on the page."""

import datetime as dt
import re
from html import unescape

from django.utils import timezone

from apps.audit.models import LogEntry
from apps.scheduling.models import Visit
from apps.scheduling.tests.conftest import make_location, make_shift, make_staff
from apps.staff.models import CertificationRequirement
from conftest import signed_in

STATE_WORDS = [
    "Current",
    "Expiring",
    "Expired",
    "Missing",
    "Scheduled",
    "Confirmed",
    "Completed",
    "Cancelled",
    "Verified",
    "Exception",
    "Clocked in",
    "Create",
    "Update",
    "Delete",
    "Access",
    "Authentication",
]


def _visible(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))


def _english_words(html: str) -> list[str]:
    text = _visible(html)
    return [word for word in STATE_WORDS if re.search(rf"\b{word}\b", text)]


def test_the_matrix_week_grid_visits_and_audit_log_show_no_english_state_words_in_spanish(org_a):
    monday = dt.date(2026, 12, 7)
    dana = make_staff(org_a, job_title="Direct Support Professional")
    house = make_location(org_a)
    shift = make_shift(org_a, day=monday, start="09:00", end="17:00", staff=dana, location=house)
    with org_a:
        CertificationRequirement.objects.create(certification_type="CPR")
        start = timezone.now() - dt.timedelta(hours=3)
        Visit.objects.create(
            shift=shift,
            staff=dana,
            location=house,
            clock_in_at=start,
            clock_out_at=start + dt.timedelta(hours=2),
            status=Visit.Status.VERIFIED,
        )
        assert LogEntry.objects.filter(action=LogEntry.Action.CREATE).exists()
    pages = {
        "hr": ["/staff/compliance/"],
        "scheduler": [f"/scheduling/week/?week={monday.isoformat()}", "/scheduling/visits/"],
        "auditor": ["/audit/"],
    }
    found = {}
    for role, urls in pages.items():
        reader = signed_in(org_a, role)
        reader.cookies["django_language"] = "es"
        for url in urls:
            response = reader.get(url)
            assert response.status_code == 200, url
            found[url] = _english_words(response.content.decode())
    assert found == {url: [] for urls in pages.values() for url in urls}
