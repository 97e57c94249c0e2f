from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.tenants import domain_dns, domain_services, services


class Command(BaseCommand):
    help = "Create an organization: its schema (cloned from the template), domains and first admin."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--subdomain", required=True)
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--contact-email", help="defaults to the admin's email")
        parser.add_argument(
            "--custom-domain",
            default="",
            help="saved pending: it serves the organization once its TXT record is found (or with --verify-domain)",
        )
        parser.add_argument(
            "--verify-domain",
            action="store_true",
            help="the operator vouches for --custom-domain: it routes at once, verified by hand",
        )
        parser.add_argument("--primary-color")
        parser.add_argument("--secondary-color")
        parser.add_argument("--timezone")

    def handle(self, *args, **opts):
        if opts["verify_domain"] and not opts["custom_domain"]:
            raise CommandError("--verify-domain needs --custom-domain.")
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
            if opts["verify_domain"]:
                domain_services.custom_domain_verify_by_hand(organization=organization)
        except ValidationError as exc:
            lines = [f"{field}: {message}" for field, messages in exc.message_dict.items() for message in messages]
            raise CommandError("Organization not created.\n" + "\n".join(lines)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {organization.name} (schema {organization.schema_name}) "
                f"at http://{organization.primary_host}/"
            )
        )
        domain = domain_services.custom_domain_of(organization)
        if domain is not None and domain.status == domain.Status.PENDING:
            self.stdout.write(
                f"{domain.domain} waits for verification: a TXT record named {domain_dns.record_name(domain.domain)} "
                f"with the value {domain.token}, then Check now at /settings/domains/ (or --verify-domain)."
            )
        elif domain is not None:
            self.stdout.write(f"{domain.domain} verified by hand: it serves the organization now.")
