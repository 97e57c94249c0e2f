"""Demo data for `make run`: two organizations, a platform operator, and each app's records.

Idempotent: existing rows are left as they are, so running it twice changes nothing.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from apps.core.seeding import seeders
from apps.tenants import services
from apps.tenants.models import Organization

# Phones in E.164, as the settings page stores them: a number in another form would be
# rewritten by the first save and logged as a change nobody made.
DEMO_ORGANIZATIONS = [
    {
        "name": "Sunrise Supports",
        "subdomain": "sunrise",
        "primary_color": "#1d4ed8",
        "secondary_color": "#0f766e",
        "font_family": "Inter",
        "contact_email": "office@sunrise.test",
        "contact_phone": "+15035550142",
        "address": "1200 SE Morrison St, Portland, OR 97214",
        "timezone": "America/Los_Angeles",
        "settings": {"demo": True},
    },
    {
        "name": "Harbor Care",
        "subdomain": "harbor",
        "primary_color": "#15803d",
        "secondary_color": "#334155",
        "font_family": "Atkinson Hyperlegible",
        "contact_email": "hello@harbor.test",
        "contact_phone": "+12075550199",
        "address": "45 Commercial St, Portland, ME 04101",
        "timezone": "America/New_York",
        "settings": {"language": "en", "demo": True},
    },
]


class Command(BaseCommand):
    help = "Create the demo organizations and their records (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="seed even with DEBUG off (a demo stack); never on a real deployment",
        )

    def handle(self, *args, **options):
        if not (settings.DEBUG or settings.TESTING or options["allow_production"]):
            raise CommandError(
                "seed_demo creates accounts with a published password; it runs only with DEBUG on "
                "or with --allow-production on a throwaway demo stack."
            )
        connection.set_schema_to_public()
        self._platform_operator()
        for spec in DEMO_ORGANIZATIONS:
            organization = Organization.objects.filter(subdomain=spec["subdomain"]).first()
            if organization is None:
                organization = services.organization_create(admin_email=f"admin@{spec['subdomain']}.test", **spec)
                self.stdout.write(f"created {organization.name}")
            elif not (organization.settings or {}).get("demo"):
                # A real organization that happens to use a demo subdomain is left alone.
                self.stdout.write(f"skipped {organization.name}: not a demo organization")
                continue
            with organization:
                for _label, seed in seeders():
                    seed(organization, stdout=self.stdout)
        connection.set_schema_to_public()
        self.stdout.write(self.style.SUCCESS("Demo data ready."))

    def _platform_operator(self):
        User = get_user_model()
        email = f"operator@{settings.BASE_DOMAIN}"
        if not User.objects.filter(email__iexact=email).exists():
            User.objects.create_superuser(email=email, password=settings.DEMO_PASSWORD)
            self.stdout.write(f"created platform operator {email}")
