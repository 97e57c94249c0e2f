"""A renewal issued so late that its renewal period would end after the year 9999 is refused
by its issue date (400); counting the period from there raised ValueError, a 500."""

from apps.staff.models import Certification
from apps.staff.tests.test_renew_refusals import _cpr, _renew


def test_a_renewal_whose_period_ends_after_9999_is_refused_by_its_issue_date(org_a):
    cert = _cpr(org_a)
    with org_a:
        Certification.objects.filter(pk=cert.pk).update(renewal_period_months=24)
    response = _renew(org_a, cert, {"issue_date": "9999-12-31", "expiry_date": ""})
    assert response.status_code == 400
    assert response.context["renew"].errors["issue_date"] == [
        "With this date the period would end after the year 9999."
    ]
    with org_a:
        assert Certification.objects.count() == 1
        assert Certification.objects.get(pk=cert.pk).renewed_by_id is None


def test_the_same_renewal_with_its_own_expiry_date_is_accepted(org_a):
    cert = _cpr(org_a)
    with org_a:
        Certification.objects.filter(pk=cert.pk).update(renewal_period_months=24)
    response = _renew(org_a, cert, {"issue_date": "9999-12-30", "expiry_date": "9999-12-31"})
    assert response.status_code == 302
    with org_a:
        assert Certification.objects.count() == 2
