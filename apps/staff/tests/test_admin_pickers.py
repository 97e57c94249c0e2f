"""Namesakes in the Django admin's pickers: each person is named with their employee ID."""

import json

from apps.staff.tests.test_staff import make_staff
from conftest import signed_in


def test_the_admins_staff_picker_tells_two_dana_okafors_apart(org_a):
    first = make_staff(org_a, first_name="Dana", last_name="Okafor", employee_id="E7001", email="dana1@example.org")
    second = make_staff(org_a, first_name="Dana", last_name="Okafor", employee_id="E7002", email="dana2@example.org")
    response = signed_in(org_a, "admin").get(
        "/admin/autocomplete/",
        {"app_label": "scheduling", "model_name": "shift", "field_name": "staff", "term": "Okafor"},
    )
    assert response.status_code == 200
    labels = {row["id"]: row["text"] for row in json.loads(response.content)["results"]}
    assert labels[str(first.pk)] == "Dana Okafor (E7001)" and labels[str(second.pk)] == "Dana Okafor (E7002)"
