import pytest

from apps.tenants.tests import fake_dns


@pytest.fixture
def fake_dns_records(settings):
    """DNS as the custom domain checks see it: nothing published until a test publishes it."""
    settings.CUSTOM_DOMAIN_RESOLVER = "apps.tenants.tests.fake_dns.resolver"
    fake_dns.FAKE.reset()
    yield fake_dns.FAKE
    fake_dns.FAKE.reset()
