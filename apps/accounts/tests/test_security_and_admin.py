import pytest

from apps.accounts.models import AuthEvent, Role, User
from apps.tenants.models import Organization
from conftest import person, signed_in


def test_an_admin_sets_the_sign_in_policy(org_a):
    admin = signed_in(org_a, "admin")
    nurse_role = str(person(org_a, "nurse").role_id)
    response = admin.post(
        "/accounts/security/",
        {
            "idle_minutes": 20,
            "absolute_hours": 8,
            "two_factor": "roles",
            "two_factor_roles": [nurse_role],
        },
    )
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.settings["security"] == {
        "idle_minutes": 20,
        "absolute_hours": 8,
        "two_factor": "roles",
        "two_factor_roles": [nurse_role],
    }
    with org_a:
        assert AuthEvent.objects.filter(kind="security_policy_changed").exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"idle_minutes": 0, "absolute_hours": 8, "two_factor": "optional"}, "idle_minutes"),
        ({"idle_minutes": 15, "absolute_hours": 99, "two_factor": "optional"}, "absolute_hours"),
        ({"idle_minutes": 15, "absolute_hours": 8, "two_factor": "roles"}, "two_factor_roles"),
        ({"idle_minutes": 15, "absolute_hours": 8, "two_factor": "sometimes"}, "two_factor"),
        # Idle for longer than a session may last at all: the idle limit would never apply.
        ({"idle_minutes": 200, "absolute_hours": 1, "two_factor": "optional"}, "idle_minutes"),
    ],
)
def test_a_bad_policy_is_refused_next_to_the_field_and_nothing_is_saved(org_a, data, field):
    before = dict(org_a.settings or {})
    response = signed_in(org_a, "admin").post("/accounts/security/", data)
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode() or "errorlist" in response.content.decode()
    assert Organization.objects.get(pk=org_a.pk).settings == before


@pytest.mark.parametrize("local", ["manager", "dsp", "hr", "auditor", "outsider"])
def test_only_admins_change_the_policy(org_a, local):
    client = signed_in(org_a, local)
    assert client.get("/accounts/security/").status_code == 403
    assert (
        client.post(
            "/accounts/security/", {"idle_minutes": 240, "absolute_hours": 24, "two_factor": "optional"}
        ).status_code
        == 403
    )


def test_an_org_admin_uses_the_django_admin_and_a_dsp_cannot(org_a):
    admin = signed_in(org_a, "admin")
    assert admin.get("/admin/accounts/user/").status_code == 200
    assert admin.get("/admin/accounts/usersession/").status_code == 200
    assert admin.get("/admin/accounts/role/").status_code == 200
    dsp = signed_in(org_a, "dsp")
    response = dsp.get("/admin/accounts/user/")
    assert response.status_code == 302


def test_the_admin_cannot_hand_out_superuser_or_raw_permissions(org_a):
    admin = signed_in(org_a, "admin")
    dsp = person(org_a, "dsp")
    html = admin.get(f"/admin/accounts/user/{dsp.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in html and 'name="user_permissions"' not in html
    admin.post(
        f"/admin/accounts/user/{dsp.pk}/change/",
        {
            "email": dsp.email,
            "first_name": "Dana",
            "last_name": "Okafor",
            "username": "",
            "phone": "",
            "employee_id": "",
            "hire_date": "",
            "role": dsp.role_id,
            "status": "active",
            "is_superuser": "on",
        },
    )
    with org_a:
        assert not User.objects.get(pk=dsp.pk).is_superuser


def test_an_admin_status_change_in_the_django_admin_ends_sessions(org_a):
    victim = signed_in(org_a, "dsp")
    dsp = person(org_a, "dsp")
    admin = signed_in(org_a, "admin")
    response = admin.post(
        f"/admin/accounts/user/{dsp.pk}/change/",
        {
            "email": dsp.email,
            "first_name": "Dana",
            "last_name": "Okafor",
            "username": "",
            "phone": "",
            "employee_id": "",
            "hire_date": "",
            "role": dsp.role_id,
            "status": "inactive",
        },
    )
    assert response.status_code == 302
    assert victim.get("/accounts/profile/").status_code == 302
    with org_a:
        assert AuthEvent.objects.filter(kind="status_changed", email=dsp.email).exists()


def test_an_auditor_reads_the_admin_but_cannot_change(org_a):
    with org_a:
        from django.contrib.auth.models import Permission

        auditor_role = Role.objects.get(name="Auditor")
        auditor_role.group.permissions.add(Permission.objects.get(codename="access_admin"))
        auditor_role.save(update_fields=["updated_at"])  # as services do: moves the permission cache on
    auditor = signed_in(org_a, "auditor")
    dsp = person(org_a, "dsp")
    assert auditor.get("/admin/accounts/user/").status_code == 200
    response = auditor.post(f"/admin/accounts/user/{dsp.pk}/change/", {"email": dsp.email, "status": "inactive"})
    assert response.status_code == 403


def test_platform_operators_do_not_exist_on_organization_hosts(org_a, db):
    from django.contrib.auth import get_user_model
    from django.db import connection

    connection.set_schema_to_public()
    get_user_model().objects.create_superuser(email="root@platform.test", password="platform password 1")
    from conftest import host_client

    client = host_client(org_a.primary_host)
    response = client.post("/accounts/sign-in/", {"email": "root@platform.test", "password": "platform password 1"})
    assert response.status_code == 400
    public = host_client("localhost")
    assert (
        public.post(
            "/accounts/sign-in/", {"email": "root@platform.test", "password": "platform password 1"}
        ).status_code
        == 302
    )


def test_custom_roles_are_edited_in_the_django_admin_through_the_services(org_a):
    from django.contrib.auth.models import Permission

    admin = signed_in(org_a, "admin")
    with org_a:
        view_user = Permission.objects.get(codename="view_user")
    response = admin.post(
        "/admin/accounts/role/add/", {"name": "Coordinator", "description": "", "permissions": [view_user.pk]}
    )
    assert response.status_code == 302
    with org_a:
        role = Role.objects.get(name="Coordinator")
        assert list(role.group.permissions.values_list("codename", flat=True)) == ["view_user"]
        assert AuthEvent.objects.filter(kind="role_permissions_changed", detail__role="Coordinator").exists()
        nurse = Role.objects.get(name="Nurse")
    assert admin.get(f"/admin/accounts/role/{nurse.pk}/change/").status_code == 200  # read-only view
    response = admin.post(f"/admin/accounts/role/{nurse.pk}/change/", {"name": "Renamed", "permissions": []})
    assert response.status_code == 403
    with org_a:
        assert Role.objects.filter(name="Nurse").exists()


def test_a_signed_in_user_without_admin_access_gets_a_403_page_not_a_loop(org_a):
    dsp = signed_in(org_a, "dsp")
    response = dsp.get("/admin/", follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) <= 2
    html = response.content.decode()
    assert "You do not have access to this page" in html and org_a.name in html


def test_the_sign_in_policy_groups_its_choices_under_a_legend(org_a):
    html = signed_in(org_a, "admin").get("/accounts/security/").content.decode()
    assert "<legend>Two-factor sign-in</legend>" in html
    assert "<legend>Roles that must use two-factor sign-in</legend>" in html


def test_the_role_matrix_leaves_out_bookkeeping_and_system_written_records(org_a):
    html = signed_in(org_a, "admin").get("/accounts/roles/new/").content.decode()
    for hidden in ("Access logs", "Access failures", "Access attempt expirations"):
        assert hidden not in html
    assert "Access attempts" in html and "Sign-in events" in html
