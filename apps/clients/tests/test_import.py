"""CSV import: a dry run lists every row's problems; the import is all rows or none."""

from apps.clients.models import Client
from conftest import signed_in

GOOD = "first_name,last_name,date_of_birth,ssn,location\nMaria,Lopez,1990-05-17,123-45-6789,\nAna,Brown,1985-01-02,,\n"
BAD = "first_name,last_name,date_of_birth,ssn\nMaria,Lopez,1990-05-17,123-45-6789\nAna,,1985-13-02,000-11-2222\n"


def _post(client, content, action):
    return client.post("/clients/import/", {"content": content, "action": action})


def test_a_dry_run_lists_each_rows_problems_and_imports_nothing(org_a):
    admin = signed_in(org_a, "admin")
    response = _post(admin, BAD, "check")
    html = response.content.decode()
    assert response.status_code == 400 and "1 row needs fixing" in html
    assert "Last name: This field is required." in html and "SSN" in html
    assert _post(admin, BAD, "import").status_code == 400
    with org_a:
        assert not Client.objects.exists()


def test_a_clean_file_is_previewed_then_imported_whole(org_a):
    admin = signed_in(org_a, "admin")
    preview = _post(admin, GOOD, "check")
    assert preview.status_code == 200 and "2 rows are ready" in preview.content.decode()
    with org_a:
        assert not Client.objects.exists()
    assert _post(admin, GOOD, "import").status_code == 302
    with org_a:
        assert sorted(Client.objects.values_list("last_name", flat=True)) == ["Brown", "Lopez"]
        assert Client.objects.get(last_name="Lopez").ssn_last4 == "6789"


def test_a_row_that_fails_late_rolls_back_every_row(org_a):
    from apps.clients.tests.conftest import make_client

    make_client(org_a, client_id="TAKEN-1")
    content = "client_id,first_name,last_name,date_of_birth\nNEW-1,A,B,1990-01-01\ntaken-1,C,D,1990-01-01\n"
    response = _post(signed_in(org_a, "admin"), content, "import")
    assert response.status_code == 400
    with org_a:
        assert not Client.objects.filter(client_id="NEW-1").exists()


def test_people_without_the_permission_cannot_import(org_a):
    assert _post(signed_in(org_a, "dsp"), GOOD, "import").status_code == 403
