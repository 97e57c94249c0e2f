"""A visit's page links its shift only for someone who may open the shift, and the visits
list shows a date error instead of an empty result (with no export link to a bad range)."""

from apps.scheduling.tests.test_views_visits import _visit, dana, house  # noqa: F401  (fixtures)
from conftest import signed_in


def test_billing_sees_the_shift_of_a_visit_as_plain_text_and_a_scheduler_as_a_link(org_a, dana, house):  # noqa: F811
    visit = _visit(org_a, dana, hours_ago=5, location=house)
    shift_url = f"/scheduling/shifts/{visit.shift_id}/"
    billing = signed_in(org_a, "billing")
    page = billing.get(f"/scheduling/visits/{visit.pk}/").content.decode()
    assert shift_url not in page and "Shift " in page
    assert billing.get(shift_url).status_code == 404
    assert shift_url in signed_in(org_a, "scheduler").get(f"/scheduling/visits/{visit.pk}/").content.decode()
    # The DSP who worked it may open their own published shift.
    assert shift_url in signed_in(org_a, "dsp").get(f"/scheduling/visits/{visit.pk}/").content.decode()


def test_reversed_dates_on_the_visits_list_show_the_error_and_no_export_link(org_a):
    response = signed_in(org_a, "scheduler").get("/scheduling/visits/?date_from=2026-12-10&date_to=2026-12-01")
    page = response.content.decode()
    assert response.status_code == 400
    assert "The end comes before the start." in page
    assert "/scheduling/visits/export.csv" not in page
    fine = signed_in(org_a, "scheduler").get("/scheduling/visits/?date_from=2026-12-01&date_to=2026-12-10")
    assert fine.status_code == 200 and "/scheduling/visits/export.csv?from=2026-12-01" in fine.content.decode()


def test_a_bad_export_request_answers_with_a_page_and_the_message(org_a):
    response = signed_in(org_a, "billing").get("/scheduling/visits/export.csv?from=2026-12-10&to=2026-12-01")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "The end comes before the start." in page and "<nav" in page


def test_the_shifts_visits_are_written_in_the_readers_date_format(org_a, dana, house):  # noqa: F811
    import re

    from apps.scheduling.tests.test_date_formats import ISO_DATE, _visible

    visit = _visit(org_a, dana, hours_ago=5, location=house)
    reader = signed_in(org_a, "scheduler")
    reader.cookies["django_language"] = "es"
    page = _visible(reader.get(f"/scheduling/shifts/{visit.shift_id}/").content.decode())
    assert ISO_DATE.findall(page) == []
    # Spanish: "5 dic 2026 14:05"-like, a 24-hour time and no AM/PM.
    assert re.search(r"\d{1,2} \w{3} \d{4} \d{2}:\d{2}", page)
