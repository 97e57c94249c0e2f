from guardian.shortcuts import assign_perm

from apps.accounts.models import Role
from apps.accounts.permissions import can
from conftest import person, signed_in


def test_can_answers_from_the_role(org_a):
    with org_a:
        assert can(person(org_a, "admin"), "accounts.view_user")
        assert not can(person(org_a, "dsp"), "accounts.view_user")
        assert not can(person(org_a, "outsider"), "accounts.view_user")


def test_can_answers_from_an_object_permission_for_that_object_only(org_a):
    with org_a:
        dsp = person(org_a, "dsp")
        nurse_role, auditor_role = Role.objects.get(name="Nurse"), Role.objects.get(name="Auditor")
        assign_perm("accounts.view_role", dsp, nurse_role)
        dsp = person(org_a, "dsp")  # a fresh object, as on the next request
        assert can(dsp, "accounts.view_role", nurse_role)
        assert not can(dsp, "accounts.view_role", auditor_role)
        assert not can(dsp, "accounts.view_role")


def test_an_inactive_user_can_nothing(org_a):
    with org_a:
        admin = person(org_a, "admin")
        admin.status = "suspended"
        assert not can(admin, "accounts.view_user")


def test_a_signed_in_page_costs_the_same_few_queries_for_any_role(one_minute, org_a, django_assert_max_num_queries):
    # The profile: the shell and little else. The home lists each role's work and has its own
    # budget (apps/tenants/tests/test_home_by_role.py).
    for local in ("admin", "dsp", "auditor"):
        client = signed_in(org_a, local)
        client.get("/accounts/profile/")
        with django_assert_max_num_queries(3):
            assert client.get("/accounts/profile/").status_code == 200


def test_a_role_change_takes_effect_on_the_next_request(org_a):
    client = signed_in(org_a, "scheduler")
    assert client.get("/accounts/people/").status_code == 403
    admin = signed_in(org_a, "admin")
    scheduler = person(org_a, "scheduler")
    with org_a:
        manager_role = Role.objects.get(name="Program Manager")
    admin.post(f"/accounts/people/{scheduler.pk}/", {"role": manager_role.pk, "status": "active"})
    assert client.get("/accounts/people/").status_code == 200
