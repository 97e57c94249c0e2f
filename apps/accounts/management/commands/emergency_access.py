"""Break-glass access (HIPAA 164.312(a)(2)(ii), the emergency access procedure): make a person
an organization's administrator when none of its administrators can act — all locked out, gone,
or unreachable while care must go on. A platform operator runs it on the server; the person is
unlocked, made active and given the Organization Admin role (or invited as one), and each step is
in the organization's audit log with the reason given, this command's name and the operating
system user who ran it."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from apps.accounts import provisioning, roles, services
from apps.accounts.models import AuthEvent, Role, User
from apps.tenants.models import Organization


class Command(BaseCommand):
    help = "Make a person an organization's administrator in an emergency (unlocked and active, or invited)."

    def add_arguments(self, parser):
        parser.add_argument("--organization", required=True, help="the organization's subdomain")
        parser.add_argument("--email", required=True, help="the person's email address")
        parser.add_argument("--reason", required=True, help="why: kept in the organization's audit log")

    def handle(self, *args, organization, email, reason, **options):
        reason = " ".join(reason.split())
        if len(reason) < 10:
            raise CommandError("Say why in at least 10 characters (--reason): it is kept in the audit log.")
        org = Organization.objects.filter(subdomain=organization.strip().lower()).first()
        if org is None:
            raise CommandError(f"No organization with the subdomain {organization!r}.")
        email = email.strip().lower()
        with org, transaction.atomic():
            user = User.objects.filter(email__iexact=email).first()
            if user is None:
                provisioning.organization_provisioned(organization=org, admin_email=email)
                user = User.objects.get(email__iexact=email)
                done = "invited as administrator (the invitation is on its way)"
            else:
                role = Role.objects.get(name=roles.ORGANIZATION_ADMIN)
                if user.role_id != role.pk:
                    services.user_set_role(user=user, role=role, actor=None)
                if user.status in (User.Status.INACTIVE, User.Status.SUSPENDED):
                    services.user_set_status(user=user, status=User.Status.ACTIVE, actor=None)
                services.user_unlock(user=user, actor=None)
                done = "is an active, unlocked administrator"
            services.auth_event_record(
                kind=AuthEvent.Kind.ROLE_CHANGED,
                user=user,
                detail={"emergency_access": True, "reason": reason},
            )
        self.stdout.write(self.style.SUCCESS(f"{email} {done} of {org.name}. Reason recorded: {reason}"))
