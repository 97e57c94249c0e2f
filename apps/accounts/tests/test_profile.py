from apps.accounts.models import User
from conftest import signed_in

DETAILS = {
    "first_name": "Blake",
    "last_name": "Nguyen",
    "email": "billing@alpha.test",
    "username": "",
    "phone": "",
}


def _saved(org):
    with org:
        return User.objects.values("first_name", "last_name", "phone").get(email="billing@alpha.test")


def test_a_profile_without_a_first_or_last_name_is_refused_and_nothing_saved(org_a):
    client = signed_in(org_a, "billing")
    before = _saved(org_a)
    for name in ("first_name", "last_name"):
        response = client.post("/accounts/profile/", {**DETAILS, name: "  "})
        assert response.status_code == 400
        assert response.context["form"].errors[name] == ["This field is required."]
    assert _saved(org_a) == before


def test_a_profile_phone_of_letters_is_refused_and_nothing_saved(org_a):
    client = signed_in(org_a, "billing")
    before = _saved(org_a)
    response = client.post("/accounts/profile/", {**DETAILS, "phone": "call me maybe"})
    assert response.status_code == 400
    assert response.context["form"].errors["phone"] == ["Enter a phone number, for example (415) 555-2671."]
    assert _saved(org_a) == before


def test_a_profile_phone_is_stored_as_the_clients_phones_are(org_a):
    client = signed_in(org_a, "billing")
    response = client.post("/accounts/profile/", {**DETAILS, "phone": "(415) 555-2671"})
    assert response.status_code == 302
    assert _saved(org_a)["phone"] == "+14155552671"
