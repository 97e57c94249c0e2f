from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.tenants import services


class Command(BaseCommand):
    help = "Create an organization: its schema (cloned from the template), domains and first admin."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--subdomain", required=True)
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--contact-email", help="defaults to the admin's email")
        parser.add_argument("--custom-domain", default="")
        parser.add_argument("--primary-color")
        parser.add_argument("--secondary-color")
        parser.add_argument("--timezone")

    def handle(self, *args, **opts):
        extra = {key: opts[key] for key in ("primary_color", "secondary_color", "timezone") if opts.get(key)}
        try:
            organization = services.organization_create(
                name=opts["name"],
                subdomain=opts["subdomain"],
                contact_email=opts["contact_email"] or opts["admin_email"],
                admin_email=opts["admin_email"],
                custom_domain=opts["custom_domain"],
                **extra,
            )
        except ValidationError as exc:
            lines = [f"{field}: {message}" for field, messages in exc.message_dict.items() for message in messages]
            raise CommandError("Organization not created.\n" + "\n".join(lines)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {organization.name} (schema {organization.schema_name}) "
                f"at http://{organization.primary_host}/"
            )
        )
