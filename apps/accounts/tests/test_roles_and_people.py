import pytest
from django.contrib.auth.models import Permission

from apps.accounts import roles, services
from apps.accounts.models import AuthEvent, Role, User
from conftest import Renders, person, signed_in


def _perm(codename):
    return Permission.objects.get(content_type__app_label="accounts", codename=codename)


def test_every_organization_has_the_system_roles(org_a, org_b):
    for org in (org_a, org_b):
        with org:
            assert set(Role.objects.filter(is_system_role=True).values_list("name", flat=True)) == set(
                roles.SYSTEM_ROLES
            )


def test_the_auditor_reads_everything_and_changes_nothing(org_a):
    with org_a:
        codenames = set(Role.objects.get(name=roles.AUDITOR).group.permissions.values_list("codename", flat=True))
    assert codenames and all(c.startswith("view_") for c in codenames)
    assert "view_user" in codenames


def test_role_matrix_editing_changes_what_a_user_can_open(org_a):
    admin = signed_in(org_a, "admin")
    with org_a:
        view_user = _perm("view_user")
    response = admin.post(
        "/accounts/roles/new/", {"name": "Team lead", "description": "Leads a house", "permissions": []}
    )
    assert response.status_code == 302
    with org_a:
        lead_role = Role.objects.get(name="Team lead")
        dsp = person(org_a, "dsp")
        User.objects.filter(pk=dsp.pk).update(role=lead_role)
        dsp.groups.set([lead_role.group])
    dsp_client = signed_in(org_a, "dsp")
    assert dsp_client.get("/accounts/people/").status_code == 403

    response = admin.post(
        f"/accounts/roles/{lead_role.pk}/", {"name": "Team lead", "description": "", "permissions": [view_user.pk]}
    )
    assert response.status_code == 302
    assert dsp_client.get("/accounts/people/").status_code == 200
    with org_a:
        event = AuthEvent.objects.filter(kind="role_permissions_changed").latest("at")
        assert event.detail["added"] == ["view_user"]


def test_system_roles_cannot_be_edited_or_deleted(org_a):
    admin = signed_in(org_a, "admin")
    with org_a:
        nurse = Role.objects.get(name=roles.NURSE)
        before = set(nurse.group.permissions.values_list("pk", flat=True))
    assert admin.post(f"/accounts/roles/{nurse.pk}/", {"name": "Nurse", "permissions": []}).status_code == 403
    admin.post(f"/accounts/roles/{nurse.pk}/delete/")
    with org_a:
        assert Role.objects.filter(pk=nurse.pk).exists()
        assert set(nurse.group.permissions.values_list("pk", flat=True)) == before


def test_a_role_in_use_cannot_be_deleted_until_people_move(org_a):
    admin = signed_in(org_a, "admin")
    admin.post("/accounts/roles/new/", {"name": "Float", "permissions": []})
    with org_a:
        float_role = Role.objects.get(name="Float")
        User.objects.filter(email="outsider@alpha.test").update(role=float_role)
    admin.post(f"/accounts/roles/{float_role.pk}/delete/")
    with org_a:
        assert Role.objects.filter(pk=float_role.pk).exists()
        User.objects.filter(email="outsider@alpha.test").update(role=None)
    admin.post(f"/accounts/roles/{float_role.pk}/delete/")
    with org_a:
        assert not Role.objects.filter(pk=float_role.pk).exists()


def test_a_duplicate_or_empty_role_name_is_explained(org_a):
    admin = signed_in(org_a, "admin")
    for name, message in (("Nurse", "already exists"), ("", "required")):
        response = admin.post("/accounts/roles/new/", {"name": name, "permissions": []})
        assert response.status_code == 400
        assert message in response.content.decode()


def test_an_unknown_permission_is_refused(org_a):
    admin = signed_in(org_a, "admin")
    response = admin.post("/accounts/roles/new/", {"name": "Sneaky", "permissions": [999999]})
    assert response.status_code == 400
    with org_a:
        assert not Role.objects.filter(name="Sneaky").exists()


@pytest.mark.parametrize("local", ["dsp", "nurse", "scheduler", "billing", "outsider"])
def test_roles_without_permission_cannot_manage_roles(org_a, local):
    client = signed_in(org_a, local)
    assert client.get("/accounts/roles/new/").status_code == 403
    assert client.post("/accounts/roles/new/", {"name": "X", "permissions": []}).status_code == 403


def test_the_people_list_searches_and_filters(org_a):
    admin = signed_in(org_a, "admin")
    html = admin.get("/accounts/people/?q=Okaf").content.decode()
    assert "dsp@alpha.test" in html and "nurse@alpha.test" not in html
    with org_a:
        User.objects.filter(email="hr@alpha.test").update(status="suspended")
    html = admin.get("/accounts/people/?status=suspended").content.decode()
    assert "hr@alpha.test" in html and "dsp@alpha.test" not in html


def test_the_people_list_query_count_does_not_grow_with_rows(one_minute, org_a, django_assert_max_num_queries):
    admin = signed_in(org_a, "admin")
    admin.get("/accounts/people/")
    with org_a:
        for i in range(20):
            User.objects.create_user(email=f"extra{i}@alpha.test", role=Role.objects.get(name=roles.NURSE))
    with django_assert_max_num_queries(12) as captured:
        admin.get("/accounts/people/")
    assert len(captured) <= 12


def test_the_people_list_is_kept_and_shows_every_change_at_once(org_a, org_b):
    admin = signed_in(org_a, "admin")
    with Renders("accounts/people.html") as renders:
        first = admin.get("/accounts/people/").content.decode()
        admin.get("/accounts/people/")
    assert renders.count == 1
    assert "Invite someone" in first and "beta.test" not in first
    # A person renamed, and a custom role given and then renamed: each shows on the next visit.
    with org_a:
        dsp = person(org_a, "dsp")
        User.objects.filter(pk=dsp.pk).update(first_name="Renamed")
    assert "Renamed" in admin.get("/accounts/people/").content.decode()
    with org_a:
        lead = services.role_create(name="House lead", actor=None)
        User.objects.filter(pk=dsp.pk).update(role=lead)
    assert "House lead" in admin.get("/accounts/people/").content.decode()
    with org_a:
        Role.objects.filter(pk=lead.pk).update(name="Site lead")
    assert "Site lead" in admin.get("/accounts/people/").content.decode()
    # Another organization's admin gets their own people, and an auditor (who may not invite)
    # never gets the admin's copy with its invite button.
    beta = signed_in(org_b, "admin").get("/accounts/people/").content.decode()
    assert "admin@beta.test" in beta and "alpha.test" not in beta
    auditor = signed_in(org_a, "auditor").get("/accounts/people/").content.decode()
    assert "Site lead" in auditor and "Invite someone" not in auditor


def test_another_organizations_person_is_a_404(org_a, org_b):
    beta_dsp = person(org_b, "dsp")
    admin_a = signed_in(org_a, "admin")
    assert admin_a.get(f"/accounts/people/{beta_dsp.pk}/").status_code == 404
    assert admin_a.post(f"/accounts/people/{beta_dsp.pk}/sessions/revoke/").status_code == 404
    # System roles are cloned from the template, so they share ids across organizations
    # (each schema's row is its own); a custom role exists only where it was made.
    signed_in(org_b, "admin").post("/accounts/roles/new/", {"name": "Beta only", "permissions": []})
    with org_b:
        beta_role = Role.objects.get(name="Beta only")
    assert admin_a.get(f"/accounts/roles/{beta_role.pk}/").status_code == 404
    assert admin_a.post(f"/accounts/roles/{beta_role.pk}/delete/").status_code == 404


@pytest.mark.parametrize("local", ["dsp", "nurse", "scheduler", "billing", "outsider"])
def test_roles_without_view_user_cannot_see_people(org_a, local):
    dsp = person(org_a, "dsp")
    client = signed_in(org_a, local)
    assert client.get("/accounts/people/").status_code == 403
    assert client.get(f"/accounts/people/{dsp.pk}/").status_code == 404


def test_an_auditor_sees_people_but_cannot_change_them(org_a):
    dsp = person(org_a, "dsp")
    auditor = signed_in(org_a, "auditor")
    assert auditor.get(f"/accounts/people/{dsp.pk}/").status_code == 200
    assert auditor.post(f"/accounts/people/{dsp.pk}/", {"status": "suspended"}).status_code == 403
    with org_a:
        assert User.objects.get(pk=dsp.pk).status == "active"


def test_an_admin_changes_a_role_and_the_groups_follow(org_a):
    dsp = person(org_a, "dsp")
    admin = signed_in(org_a, "admin")
    with org_a:
        nurse_role = Role.objects.get(name=roles.NURSE)
    assert admin.post(f"/accounts/people/{dsp.pk}/", {"role": nurse_role.pk, "status": "active"}).status_code == 302
    with org_a:
        dsp.refresh_from_db()
        assert dsp.role == nurse_role and list(dsp.groups.all()) == [nurse_role.group]


def test_a_bad_status_is_refused_next_to_the_field(org_a):
    dsp = person(org_a, "dsp")
    response = signed_in(org_a, "admin").post(f"/accounts/people/{dsp.pk}/", {"status": "boss"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_the_navigation_shows_only_what_the_role_may_open(org_a):
    assert "/accounts/people/" in signed_in(org_a, "admin").get("/").content.decode()
    html = signed_in(org_a, "dsp").get("/").content.decode()
    assert "/accounts/people/" not in html and "/accounts/roles/" not in html


def test_no_role_can_be_given_platform_or_device_permissions(org_a):
    from apps.accounts.selectors import matrix_permissions

    with org_a:
        labels = {(p.content_type.app_label, p.content_type.model) for p in matrix_permissions()}
        admin_perms = set(
            Role.objects.get(name=roles.ORGANIZATION_ADMIN).group.permissions.values_list(
                "content_type__app_label", "content_type__model"
            )
        )
    for forbidden in (("tenants", "organization"), ("tenants", "domain"), ("accounts", "totpdevice")):
        assert forbidden not in labels and forbidden not in admin_perms
    assert ("accounts", "user") in labels
