"""Files attached to a record (here a person's record, the first with a documents tab): the
record's own permissions decide who reads and who adds."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.files.models import File
from apps.files.tests.conftest import PDF, upload
from conftest import person, signed_in


def _tab(organization, subject):
    return f"/files/on/accounts.user/{subject.pk}/"


def test_hr_attaches_a_document_to_a_persons_record(org_a):
    subject = person(org_a, "dsp")
    hr = signed_in(org_a, "hr")
    page = hr.get(_tab(org_a, subject)).content.decode()
    assert "No documents yet." in page and 'enctype="multipart/form-data"' in page
    response = upload(hr, "cpr-card.pdf", PDF, to=f"accounts.user:{subject.pk}")
    assert response.status_code == 302 and response["Location"] == _tab(org_a, subject)
    with org_a:
        file = File.objects.get()
    assert file.attached_to == subject
    assert "cpr-card.pdf" in hr.get(_tab(org_a, subject)).content.decode()


def test_viewing_the_record_reads_its_documents_and_changing_it_manages_them(org_a):
    subject = person(org_a, "dsp")
    upload(signed_in(org_a, "hr"), "cpr-card.pdf", PDF, to=f"accounts.user:{subject.pk}")
    with org_a:
        file = File.objects.get()
    manager = signed_in(org_a, "manager")  # may view people, not change them
    page = manager.get(_tab(org_a, subject)).content.decode()
    assert "cpr-card.pdf" in page and 'enctype="multipart/form-data"' not in page
    assert manager.get(f"/files/{file.pk}/download/").status_code == 200
    assert manager.post(f"/files/{file.pk}/delete/").status_code == 404
    assert upload(manager, "x.pdf", PDF, to=f"accounts.user:{subject.pk}").status_code == 404
    hr = signed_in(org_a, "hr")
    assert hr.post(f"/files/{file.pk}/delete/").status_code == 302


def test_people_who_cannot_see_the_record_find_no_tab_and_no_files(org_a, org_b):
    subject = person(org_a, "dsp")
    upload(signed_in(org_a, "hr"), "cpr-card.pdf", PDF, to=f"accounts.user:{subject.pk}")
    with org_a:
        file = File.objects.get()
    nurse = signed_in(org_a, "nurse")
    assert nurse.get(_tab(org_a, subject)).status_code == 404
    assert nurse.get(f"/files/{file.pk}/download/").status_code == 404
    beta = signed_in(org_b, "admin")
    assert beta.get(_tab(org_a, subject)).status_code == 404
    assert beta.get(f"/files/{file.pk}/").status_code == 404


def test_only_registered_records_take_attachments(org_a):
    admin = signed_in(org_a, "admin")
    with org_a:
        role_pk = person(org_a, "dsp").role_id
    assert admin.get(f"/files/on/accounts.role/{role_pk}/").status_code == 404
    assert admin.get("/files/on/accounts.user/not-a-uuid/").status_code == 404
    assert upload(admin, "x.pdf", PDF, to="accounts.role:" + str(role_pk)).status_code == 404
    assert upload(admin, "x.pdf", PDF, to="garbage").status_code == 404


def test_a_refused_attachment_is_explained_on_the_tab(org_a, private_root):
    subject = person(org_a, "dsp")
    response = upload(signed_in(org_a, "hr"), "virus.pdf", b"MZ" + b"\x00" * 100, to=f"accounts.user:{subject.pk}")
    assert response.status_code == 400
    assert "is a program" in response.content.decode() and "Documents" in response.content.decode()
    assert [p for p in private_root.rglob("*") if p.is_file()] == []


def test_whoever_deleted_a_records_document_can_restore_it(org_a):
    subject = person(org_a, "dsp")
    admin = signed_in(org_a, "admin")
    upload(admin, "cpr-card.pdf", PDF, to=f"accounts.user:{subject.pk}")
    with org_a:
        file = File.objects.get()
    hr = signed_in(org_a, "hr")
    assert hr.post(f"/files/{file.pk}/delete/").status_code == 302
    assert "cpr-card.pdf" in hr.get("/files/?show=deleted").content.decode()
    assert "cpr-card.pdf" not in signed_in(org_a, "manager").get("/files/?show=deleted").content.decode()
    assert hr.post(f"/files/{file.pk}/restore/").status_code == 302
    with org_a:
        file.refresh_from_db()
        assert file.deleted_at is None


def test_the_documents_tab_pages_and_its_queries_do_not_grow(one_minute, org_a, django_assert_max_num_queries):
    subject = person(org_a, "dsp")
    hr = signed_in(org_a, "hr")
    for index in range(4):
        upload(hr, f"doc-{index}.pdf", PDF, to=f"accounts.user:{subject.pk}")
    manager = signed_in(org_a, "manager")
    manager.get(f"/files/on/accounts.user/{subject.pk}/")
    with CaptureQueriesContext(connection) as few:
        manager.get(f"/files/on/accounts.user/{subject.pk}/")
    baseline = len(few)  # now: each request start clears the connection's query log
    assert baseline > 0
    for index in range(4, 12):
        upload(hr, f"doc-{index}.pdf", PDF, to=f"accounts.user:{subject.pk}")
    with django_assert_max_num_queries(baseline):
        html = manager.get(f"/files/on/accounts.user/{subject.pk}/").content.decode()
    assert html.count("/download/") == 12
