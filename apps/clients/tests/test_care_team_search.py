"""The care team is chosen by name from a search over the organization's people (accounts,
with their staff record): namesakes are told apart by email, employee ID and job title."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import Role, User
from apps.clients import selectors
from apps.staff.models import Staff
from conftest import person, signed_in


def namesake(org, n: int, job_title: str) -> User:
    with org:
        user = User.objects.create(
            email=f"dana.okafor{n}@alpha.test",
            first_name="Dana",
            last_name="Okafor",
            status=User.Status.ACTIVE,
            role=Role.objects.get(name="Direct Support Professional"),
        )
        Staff.objects.create(
            employee_id=f"E10{n}",
            first_name="Dana",
            last_name="Okafor",
            email=user.email,
            hire_date=dt.date(2020, 1, 1),
            job_title=job_title,
            user=user,
        )
    return user


@pytest.fixture
def danas(org_a):
    return [namesake(org_a, 1, "Night DSP"), namesake(org_a, 2, "Day program lead")]


def test_the_search_finds_namesakes_by_name_and_tells_them_apart(org_a, maria, danas):
    admin = signed_in(org_a, "admin")
    response = admin.get(f"/clients/{maria.pk}/care-team/search/", {"q": "dana oka"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    for dana, employee_id, title in zip(danas, ("E101", "E102"), ("Night DSP", "Day program lead"), strict=True):
        assert f'value="{dana.pk}"' in html and dana.email in html and employee_id in html and title in html
    # The demo support worker is a third Dana Okafor (an account with no staff record).
    assert f'value="{person(org_a, "dsp").pk}"' in html and "dsp@alpha.test" in html
    assert html.count('type="radio"') == 3 and "<legend>" in html and 'for="team-candidate-' in html
    by_id = admin.get(f"/clients/{maria.pk}/care-team/search/", {"q": "e102"}, HTTP_HX_REQUEST="true").content.decode()
    assert f'value="{danas[1].pk}"' in by_id and f'value="{danas[0].pk}"' not in by_id
    nobody = admin.get(f"/clients/{maria.pk}/care-team/search/", {"q": "zz"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Nobody active matches" in nobody


def test_without_scripts_the_search_is_a_page_of_the_client_with_the_results(org_a, maria, danas):
    page = signed_in(org_a, "admin").get(f"/clients/{maria.pk}/care-team/search/", {"q": "Dana"}).content.decode()
    assert 'aria-label="Client record"' in page and 'id="team-search"' in page and page.count('type="radio"') == 3


def test_a_person_chosen_from_the_results_joins_the_care_team_and_leaves_the_results(org_a, maria, danas):
    admin = signed_in(org_a, "admin")
    overview = admin.get(f"/clients/{maria.pk}/").content.decode()
    assert 'type="email"' not in overview and 'id="team-search"' in overview and 'for="team-search"' in overview
    response = admin.post(f"/clients/{maria.pk}/care-team/", {"user": danas[1].pk, "action": "add"})
    assert response.status_code == 302
    with org_a:
        assert [u.pk for u in selectors.care_team(maria)] == [danas[1].pk]
    again = admin.get(f"/clients/{maria.pk}/care-team/search/", {"q": "Dana"}, HTTP_HX_REQUEST="true").content.decode()
    assert f'value="{danas[1].pk}"' not in again and f'value="{danas[0].pk}"' in again
    refused = admin.post(f"/clients/{maria.pk}/care-team/", {"email": danas[0].email}, follow=True)
    assert "Choose a person from the search results." in refused.content.decode()


def test_the_search_reads_a_fixed_number_of_queries(one_minute, org_a, maria, danas):
    admin = signed_in(org_a, "admin")
    url = f"/clients/{maria.pk}/care-team/search/"
    admin.get(url, {"q": "warm"}, HTTP_HX_REQUEST="true")
    with CaptureQueriesContext(connection) as one:
        admin.get(url, {"q": "e101"}, HTTP_HX_REQUEST="true")
    namesake(org_a, 3, "Nurse aide")
    with CaptureQueriesContext(connection) as three:
        admin.get(url, {"q": "dana"}, HTTP_HX_REQUEST="true")
    assert len(three.captured_queries) == len(one.captured_queries)


def test_only_people_who_manage_the_care_team_search_it(org_a, org_b, maria):
    url = f"/clients/{maria.pk}/care-team/search/"
    assert signed_in(org_b, "admin").get(url, {"q": "dana"}).status_code == 404
    assert signed_in(org_a, "dsp").get(url, {"q": "dana"}).status_code == 404
    # The scheduler sees the client, not its care team's controls.
    assert signed_in(org_a, "scheduler").get(url, {"q": "dana"}).status_code == 403
    assert signed_in(org_a, "manager").get(url, {"q": "dana"}).status_code == 200


def test_the_search_and_the_new_client_fields_read_in_spanish(org_a, maria, danas):
    admin = signed_in(org_a, "admin")
    admin.cookies["django_language"] = "es"
    overview = admin.get(f"/clients/{maria.pk}/").content.decode()
    assert "Buscar a una persona para añadirla al equipo de atención" in overview
    results = admin.get(f"/clients/{maria.pk}/care-team/search/", {"q": "dana"}, HTTP_HX_REQUEST="true")
    assert "Personas que coinciden con «dana»" in results.content.decode()
    form = admin.get(f"/clients/{maria.pk}/edit/").content.decode()
    assert "Dirección, línea 1" in form and "Código postal" in form
