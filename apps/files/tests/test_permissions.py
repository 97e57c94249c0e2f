"""Who may do what with a file: the uploader and org admins everything; shares give a person
or a role exactly what they grant; auditors read; everyone else, and every other
organization, finds nothing."""

import pytest
from django.contrib.auth.models import Permission
from guardian.shortcuts import get_perms

from apps.accounts.models import Role
from apps.files import services
from apps.files.models import File, FilePermission
from apps.files.tests.conftest import PDF, upload
from conftest import person, signed_in


@pytest.fixture
def file(org_a):
    upload(signed_in(org_a, "dsp"), "plan.pdf", PDF)
    with org_a:
        return File.objects.get()


def _urls(file):
    return {
        "detail": f"/files/{file.pk}/",
        "download": f"/files/{file.pk}/download/",
        "share": f"/files/{file.pk}/share/",
    }


def _can(client, file) -> dict:
    rights = {name: client.get(url).status_code == 200 for name, url in _urls(file).items()}
    page = client.get(f"/files/{file.pk}/").content.decode() if rights["detail"] else ""
    rights["edit"] = 'name="original_filename"' in page
    rights["delete"] = f"/files/{file.pk}/delete/" in page
    return rights


ALL = {"detail": True, "download": True, "share": True, "edit": True, "delete": True}
NONE = {"detail": False, "download": False, "share": False, "edit": False, "delete": False}
READ = {"detail": True, "download": True, "share": False, "edit": False, "delete": False}


@pytest.mark.parametrize(
    ("local", "expected"),
    [("dsp", ALL), ("admin", ALL), ("auditor", READ), ("nurse", NONE), ("hr", NONE), ("outsider", NONE)],
)
def test_the_permission_matrix_before_any_share(org_a, file, local, expected):
    assert _can(signed_in(org_a, local), file) == expected


def test_another_organizations_people_find_nothing(org_a, org_b, file):
    for local in ("admin", "dsp"):
        client = signed_in(org_b, local)
        for url in _urls(file).values():
            assert client.get(url).status_code == 404
        assert client.post(f"/files/{file.pk}/delete/").status_code == 404
    with org_a:
        assert File.objects.get(pk=file.pk).deleted_at is None


def test_sharing_with_a_person_gives_exactly_those_rights(org_a, file):
    owner = signed_in(org_a, "dsp")
    nurse = person(org_a, "nurse")
    response = owner.post(f"/files/{file.pk}/share/", {"user": nurse.pk, "rights": ["write"]})
    assert response.status_code == 302
    with org_a:
        granted = set(FilePermission.objects.filter(file=file, user=nurse).values_list("permission_type", flat=True))
        assert granted == {"read", "write"}
        assert set(get_perms(nurse, file)) == {"view_file", "change_file"}
        assert FilePermission.objects.filter(file=file).first().granted_by == person(org_a, "dsp")
    assert _can(signed_in(org_a, "nurse"), file) == {**READ, "edit": True}
    assert signed_in(org_a, "nurse").post(f"/files/{file.pk}/delete/").status_code == 404
    html = signed_in(org_a, "nurse").get("/files/").content.decode()
    assert "plan.pdf" in html


def test_sharing_with_a_role_reaches_its_members_and_unsharing_takes_it_back(org_a, file):
    owner = signed_in(org_a, "dsp")
    with org_a:
        role = Role.objects.get(name="Nurse")
    owner.post(f"/files/{file.pk}/share/", {"role": role.pk, "rights": ["read", "delete"]})
    nurse = signed_in(org_a, "nurse")
    assert nurse.get(f"/files/{file.pk}/download/").status_code == 200
    with org_a:
        permissions = list(FilePermission.objects.filter(file=file))
    for permission in permissions:
        owner.post(f"/files/{file.pk}/share/{permission.pk}/remove/")
    assert _can(signed_in(org_a, "nurse"), file) == NONE
    with org_a:
        assert not FilePermission.objects.exists()
        assert get_perms(person(org_a, "nurse"), file) == []


def test_share_form_mistakes_are_shown_on_the_form(org_a, file):
    owner = signed_in(org_a, "dsp")
    with org_a:
        role = Role.objects.get(name="Nurse")
    response = owner.post(
        f"/files/{file.pk}/share/", {"user": person(org_a, "nurse").pk, "role": role.pk, "rights": ["read"]}
    )
    assert response.status_code == 400 and "Choose a person or a role, not both." in response.content.decode()
    response = owner.post(f"/files/{file.pk}/share/", {"rights": ["read"]})
    assert response.status_code == 400
    with org_a:
        assert not FilePermission.objects.exists()


def test_delete_is_soft_and_restorable_by_whoever_may_delete(org_a, file):
    owner = signed_in(org_a, "dsp")
    assert signed_in(org_a, "nurse").post(f"/files/{file.pk}/delete/").status_code == 404
    deleted = owner.post(f"/files/{file.pk}/delete/", follow=True)
    assert deleted.redirect_chain == [("/files/", 302)]
    assert "“plan.pdf” deleted" in deleted.content.decode()
    assert owner.get(f"/files/{file.pk}/download/").status_code == 404
    assert "plan.pdf" not in owner.get("/files/").content.decode()
    assert "plan.pdf" in owner.get("/files/?show=deleted").content.decode()
    assert signed_in(org_a, "nurse").post(f"/files/{file.pk}/restore/").status_code == 404
    assert owner.post(f"/files/{file.pk}/restore/").status_code == 302
    assert owner.get(f"/files/{file.pk}/download/").status_code == 200


def test_editing_details_cleans_the_name(org_a, file):
    owner = signed_in(org_a, "dsp")
    owner.post(f"/files/{file.pk}/", {"original_filename": "../x/Plan v2.pdf", "description": "new"})
    with org_a:
        file.refresh_from_db()
    assert (file.original_filename, file.description) == ("Plan v2.pdf", "new")
    assert signed_in(org_a, "auditor").post(f"/files/{file.pk}/", {"original_filename": "x"}).status_code == 403


def test_a_role_without_upload_permission_cannot_upload(org_a):
    with org_a:
        role = Role.objects.get(name="Direct Support Professional")
        role.group.permissions.remove(Permission.objects.get(codename="add_file"))
    response = upload(signed_in(org_a, "dsp"), "a.pdf", PDF)
    assert response.status_code == 403


def test_the_list_shows_only_what_one_may_see_with_constant_queries(one_minute, org_a, django_assert_max_num_queries):
    dsp = signed_in(org_a, "dsp")
    for index in range(3):
        upload(dsp, f"mine-{index}.pdf", PDF)
    upload(signed_in(org_a, "nurse"), "theirs.pdf", PDF)
    dsp.get("/files/")  # the upload's message, and the session's first reads
    with django_assert_max_num_queries(6):
        html = dsp.get("/files/").content.decode()
    assert "mine-0.pdf" in html and "mine-2.pdf" in html and "theirs.pdf" not in html
    html = dsp.get("/files/?q=mine-1").content.decode()
    assert "mine-1.pdf" in html and "mine-0.pdf" not in html
    admin = signed_in(org_a, "admin")
    admin.get("/files/")
    with django_assert_max_num_queries(6):
        admin = admin.get("/files/").content.decode()
    assert "theirs.pdf" in admin and "mine-0.pdf" in admin


def test_purging_removes_rows_and_bytes_after_thirty_days_only(
    org_a, private_root, file, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    upload(signed_in(org_a, "dsp"), "recent.pdf", PDF)
    with org_a:
        recent = File.objects.get(original_filename="recent.pdf")
        File.objects.filter(pk=file.pk).update(deleted_at=timezone.now() - timedelta(days=31))
        File.objects.filter(pk=recent.pk).update(deleted_at=timezone.now() - timedelta(days=29))
        services.file_share(file=file, actor=person(org_a, "admin"), rights=["read"], user=person(org_a, "nurse"))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_job", "files.purge", "--schema", org_a.schema_name)
    with org_a:
        assert list(File.objects.values_list("original_filename", flat=True)) == ["recent.pdf"]
        assert get_perms(person(org_a, "nurse"), file) == []
    stored = [p.name for p in private_root.rglob("*") if p.is_file()]
    assert stored == [recent.stored_filename]


def test_a_share_holder_cannot_give_more_than_they_have(org_a, file):
    owner = signed_in(org_a, "dsp")
    nurse = person(org_a, "nurse")
    owner.post(f"/files/{file.pk}/share/", {"user": nurse.pk, "rights": ["share"]})
    nurse_client = signed_in(org_a, "nurse")
    response = nurse_client.post(f"/files/{file.pk}/share/", {"user": nurse.pk, "rights": ["delete"]})
    assert response.status_code == 400 and "You cannot give rights you do not have" in response.content.decode()
    with org_a:
        assert not FilePermission.objects.filter(permission_type="delete").exists()
    hr = person(org_a, "hr")
    assert nurse_client.post(f"/files/{file.pk}/share/", {"user": hr.pk, "rights": ["read"]}).status_code == 302


def test_unsharing_checks_the_permission_belongs_to_the_file(org_a, file):
    owner = signed_in(org_a, "dsp")
    upload(owner, "other.pdf", PDF)
    with org_a:
        other = File.objects.get(original_filename="other.pdf")
    owner.post(f"/files/{other.pk}/share/", {"user": person(org_a, "nurse").pk, "rights": ["read"]})
    with org_a:
        permission = FilePermission.objects.get(file=other)
    assert owner.post(f"/files/{file.pk}/share/{permission.pk}/remove/").status_code == 404
    with org_a:
        assert FilePermission.objects.filter(pk=permission.pk).exists()


def test_taking_back_viewing_takes_back_every_right(org_a, file):
    owner = signed_in(org_a, "dsp")
    nurse = person(org_a, "nurse")
    owner.post(f"/files/{file.pk}/share/", {"user": nurse.pk, "rights": ["write", "delete"]})
    with org_a:
        read = FilePermission.objects.get(file=file, permission_type="read")
    owner.post(f"/files/{file.pk}/share/{read.pk}/remove/")
    with org_a:
        assert not FilePermission.objects.filter(file=file).exists()
        assert get_perms(nurse, file) == []
