"""Property-based: whatever is posted to the fill-in page (NUL, right-to-left marks, emoji,
huge numbers, extreme dates, wrong types, missing and repeated fields), the answer is never a
500, and a submission is either saved whole or not at all."""

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from apps.documentation.models import FormSubmission, SubmissionEvent
from apps.documentation.structure import fields_of
from apps.documentation.tests.support import make_client, make_template, on_team, start
from conftest import signed_in

EVERY_TYPE = {
    "sections": [
        {
            "key": "all",
            "title": "Everything",
            "fields": [
                {"key": "t", "type": "text", "label": "Text", "required": True, "max_length": 40},
                {"key": "ta", "type": "textarea", "label": "Long"},
                {"key": "n", "type": "number", "label": "Number", "min": -5, "max": 100, "step": 0.5},
                {"key": "d", "type": "date", "label": "Date", "required": True},
                {"key": "h", "type": "time", "label": "Time"},
                {"key": "w", "type": "datetime", "label": "When"},
                {"key": "s", "type": "select", "label": "One", "options": [{"value": "a", "label": "A"}]},
                {
                    "key": "m",
                    "type": "multiselect",
                    "label": "Some",
                    "options": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}],
                },
                {"key": "c", "type": "checkbox", "label": "Tick"},
                {"key": "y", "type": "yesno", "label": "Yes/no"},
                {"key": "r", "type": "rating", "label": "Rating", "max": 5},
                {"key": "cl", "type": "client", "label": "Client"},
                {"key": "st", "type": "staff", "label": "Staff"},
                {"key": "sg", "type": "signature", "label": "Witness"},
                {
                    "key": "why",
                    "type": "text",
                    "label": "Why",
                    "required": True,
                    "show_if": {"field": "y", "equals": "yes"},
                },
            ],
        }
    ]
}
NAMES = [f"a-{spec['key']}" for spec in fields_of(EVERY_TYPE)]

nasty_text = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "\x00",
            "a\x00b",
            "\u202eevil\u202c",
            "مرحبا",
            "👩🏽‍⚕️" * 30,
            "9" * 400,
            "-1e309",
            "1e-400",
            "NaN",
            "Infinity",
            "0001-01-01",
            "9999-12-31T23:59",
            "2026-02-29",
            "24:00",
            "yes",
            "no",
            "on",
            "a",
            "b",
            "00000000-0000-0000-0000-000000000000",
            "data:image/png;base64,iVBORw0KGgo=",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "",
        ]
    ),
)
values = st.one_of(nasty_text, st.lists(nasty_text, min_size=2, max_size=4))
# A valid submission underneath, so that some posts succeed and their saves are checked too;
# hypothesis then spoils any of its fields, or none.
VALID = {"action": "submit", "a-t": "Walked to the store", "a-d": "2026-01-05", "a-y": "no"}
noise = st.fixed_dictionaries(
    {"action": st.sampled_from(["draft", "submit", "", "other"])},
    optional={name: values for name in [*NAMES, "a-unknown", "csrfmiddlewaretoken"]},
)
posts = st.one_of(noise, noise.map(lambda spoiled: {**VALID, **spoiled}), st.just(VALID))


@pytest.fixture
def setting(org_a):
    client = make_client(org_a)
    on_team(org_a, client, "dsp")
    submission = start(org_a, make_template(org_a, EVERY_TYPE, template_name="Fuzz"), client=client)
    return submission, signed_in(org_a, "dsp")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(post=posts)
def test_no_post_to_the_fill_in_page_is_a_500_or_half_saved(org_a, setting, post):
    submission, browser = setting
    with org_a:
        FormSubmission.objects.filter(pk=submission.pk).update(
            status=FormSubmission.Status.DRAFT, submission_data={}, submitted_at=None
        )
        events = SubmissionEvent.objects.filter(submission=submission).count()
    response = browser.post(f"/documentation/submissions/{submission.pk}/edit/", post)
    assert response.status_code in (302, 400), response.status_code
    with org_a:
        saved = FormSubmission.objects.get(pk=submission.pk)
        new_events = SubmissionEvent.objects.filter(submission=submission).count() - events
    event(f"{response.status_code} {saved.status}")
    if response.status_code == 400:
        assert saved.submission_data == {}
        assert saved.status == FormSubmission.Status.DRAFT
        assert new_events == 0
        return
    assert set(saved.submission_data) <= {spec["key"] for spec in fields_of(EVERY_TYPE)}
    assert "\x00" not in str(saved.submission_data)
    if saved.status == FormSubmission.Status.SUBMITTED:
        assert post["action"] == "submit"
        assert {"t", "d"} <= set(saved.submission_data)
        assert new_events == 1
    else:
        assert post["action"] != "submit"
        assert new_events == 0
