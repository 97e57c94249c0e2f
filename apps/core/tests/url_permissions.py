"""What every URL requires: the declared table the crawler (test_every_url_every_role.py)
holds each view's answers to, for every role of an organization and for anyone signed out.

One line per URL name, kept here beside the test rather than beside each view: the views
check access in several ways (a decorator, `require()` or `can()` in the body, a selector that
answers 404 for "not yours"), so no decorator alone says what a page needs, and one table is
what a reviewer reads to see who may open what. A URL name missing here fails the crawler,
so a view added without a declaration fails too. Where a view carries
`@permission_required(...)`, the crawler also checks that the line here names those
permissions, so the table cannot drift from the decorators.

Admin pages follow Django's own rule (the admin's access plus the model's view/change/add/
delete permission), derived from the URL name; only the exceptions are listed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Access:
    """`kind`: "public" (anyone, signed in or not), "token" (anyone; a secret in the URL
    decides: a wrong one gets a clear 4xx), "signed in" (any signed-in person), "signed out"
    (a page for signing in: someone signed in is refused), or "perms" (every permission in
    `all`, and at least one of `any` when given).
    `scope`: why a role without the permissions may still be let in, for one object (a DSP
    on the client's care team, the person's own visit); such a role gets the page or 403/404.
    `held`: "refused" where even a role holding the permissions is refused, because of the
    record the crawler names (a claim not sent yet has no 837P file to download) or because
    the page needs more than a GET carries."""

    kind: str
    all: tuple[str, ...] = ()
    any: tuple[str, ...] = ()
    scope: str = ""
    held: str = "ok"


PUBLIC = Access("public")
TOKEN = Access("token")
SIGNED_IN = Access("signed in")
# A signed-in person whose own record decides (their shifts, their staff record): the page
# or a refusal, whatever their role.
OWN = Access("signed in", scope="own")

CARE_TEAM = "care team: object permissions on the client"
HISTORY_READERS = "an app's own history readers (apps/audit/naming.py: a program manager, their clients')"
OWN_RECORD = "their own record (author, staff member of the visit)"


def perms(*codenames: str, one_of: tuple[str, ...] = (), scope: str = "", held: str = "ok") -> Access:
    return Access("perms", all=codenames, any=one_of, scope=scope, held=held)


BILLING_VIEWS = (
    "billing.view_billableservice",
    "billing.view_claim",
    "billing.view_serviceauthorization",
    "billing.view_payer",
    "billing.view_interchange",
)
TEMPLATE_PERMISSIONS = (
    "notifications.add_orgemailtemplate",
    "notifications.change_orgemailtemplate",
    "notifications.delete_orgemailtemplate",
    "notifications.add_notificationtemplate",
    "notifications.change_notificationtemplate",
    "notifications.delete_notificationtemplate",
)

# Pages both URLconfs have (the accounts pages, the language switch, health checks).
COMMON = {
    "accounts:sign_in": PUBLIC,
    "accounts:sign_out": PUBLIC,
    "accounts:keepalive": PUBLIC,
    "accounts:two_factor_verify": SIGNED_IN,
    "accounts:two_factor_setup": SIGNED_IN,
    "accounts:two_factor_manage": SIGNED_IN,
    # Regenerating backup codes needs two-factor on: 404 for those without it.
    "accounts:two_factor_backup_codes": OWN,
    "accounts:two_factor_disable": SIGNED_IN,
    "accounts:password_reset": PUBLIC,
    "accounts:password_reset_done": PUBLIC,
    "accounts:password_reset_confirm": TOKEN,
    "accounts:password_reset_complete": PUBLIC,
    "accounts:password_change": SIGNED_IN,
    "accounts:invitation_accept": TOKEN,
    "accounts:email_verify": TOKEN,
    "accounts:email_verification_resend": SIGNED_IN,
    "accounts:profile": SIGNED_IN,
    "accounts:sessions": SIGNED_IN,
    # Only one's own sessions: another's is 404.
    "accounts:session_revoke": OWN,
    "accounts:sessions_revoke_others": SIGNED_IN,
    "accounts:people": perms("accounts.view_user"),
    "accounts:invite": perms("accounts.invite_user"),
    "accounts:person": perms("accounts.view_user"),
    "accounts:person_sessions_revoke": perms("accounts.manage_sessions"),
    "accounts:person_two_factor_reset": perms("accounts.reset_two_factor"),
    "accounts:person_invitation_resend": perms("accounts.invite_user"),
    "accounts:person_unlock": perms("accounts.change_user"),
    "accounts:roles": perms("accounts.view_role"),
    "accounts:role_create": perms("accounts.manage_roles"),
    "accounts:role_edit": perms("accounts.view_role"),
    "accounts:role_delete": perms("accounts.manage_roles"),
    "accounts:security": perms("accounts.manage_security"),
    "theme_css": PUBLIC,
    "set_language": PUBLIC,
    "healthz": PUBLIC,
    "hello": PUBLIC,
    # The admin's own pages that are not a model's.
    "admin:index": perms("accounts.access_admin"),
    "admin:app_list": perms("accounts.access_admin"),
    # Signing in to the admin is the organization's sign-in; someone signed in who lands here
    # lacks admin access and is told so (apps/accounts/views/sign_in.py).
    "admin:login": Access("signed out"),
    # POST only; Django's admin sends anyone else to the admin's index.
    "admin:logout": PUBLIC,
    "admin:password_change": perms("accounts.access_admin"),
    "admin:password_change_done": perms("accounts.access_admin"),
    # It answers a widget's query: without one (a bare GET) it refuses even the admin.
    "admin:autocomplete": perms("accounts.access_admin", held="refused"),
    "admin:jsi18n": perms("accounts.access_admin"),
    "admin:view_on_site": perms("accounts.access_admin"),
}

TENANT = COMMON | {
    "home": PUBLIC,
    "favicon": PUBLIC,
    # The organization settings page (its sign-in fieldset also needs accounts.manage_security).
    "orgsettings:index": perms("accounts.manage_organization"),
    # The custom domain decides which host serves the sign-in page and keeps its cookies.
    "domains:index": perms("accounts.manage_security"),
    "domains:check": perms("accounts.manage_security"),
    "domains:remove": perms("accounts.manage_security"),
    "logo": PUBLIC,
    "branding:index": perms("branding.manage_branding"),
    "audit:log": perms("audit.view_logentry"),
    "audit:history": perms("audit.view_logentry", scope=HISTORY_READERS),
    "audit:access_report": perms("audit.view_logentry"),
    "notifications:centre": SIGNED_IN,
    "notifications:unread": SIGNED_IN,
    "notifications:read_all": SIGNED_IN,
    "notifications:preferences": SIGNED_IN,
    # Only one's own notifications: another's is 404.
    "notifications:read": OWN,
    "notifications:templates": perms(*TEMPLATE_PERMISSIONS),
    "notifications:template_edit": perms(*TEMPLATE_PERMISSIONS),
    "notifications:template_preview": perms(*TEMPLATE_PERMISSIONS),
    "notifications:deliveries": perms("notifications.view_delivery"),
    # The SMS provider's delivery reports, signed with the account's token.
    "notifications:sms_status": TOKEN,
    # Files: each file's own sharing decides (owner, shared with, attached to a record one sees).
    "files:list": SIGNED_IN,
    "files:upload": SIGNED_IN,
    "files:attached": perms("clients.view_client", scope=CARE_TEAM),
    "files:detail": perms("files.view_file", scope="the file's sharing"),
    "files:download": perms("files.view_file", scope="the file's sharing"),
    "files:share": perms("files.change_file", scope="the file's sharing"),
    "files:unshare": perms("files.change_file", scope="the file's sharing"),
    "files:delete": perms("files.delete_file", scope="the file's sharing"),
    "files:restore": perms("files.delete_file", scope="the file's sharing"),
    # The list shows the clients one may see: every one, or one's care team's (maybe none).
    "clients:list": SIGNED_IN,
    "clients:create": perms("clients.add_client"),
    "clients:import": perms("clients.import_clients", "clients.add_client"),
    "clients:locations": perms("clients.view_clientlocation"),
    "clients:location_create": perms("clients.add_clientlocation"),
    "clients:location_edit": perms("clients.change_clientlocation"),
    "clients:detail": perms("clients.view_client", scope=CARE_TEAM),
    "clients:edit": perms("clients.change_client", scope=CARE_TEAM),
    "clients:reveal_ssn": perms("clients.view_client", scope=CARE_TEAM),
    "clients:photo": perms("clients.change_client", scope=CARE_TEAM),
    "clients:care_team": perms("clients.manage_care_team"),
    "clients:care_team_search": perms("clients.manage_care_team"),
    "clients:contacts": perms("clients.view_clientcontact", scope=CARE_TEAM),
    "clients:contact_create": perms("clients.add_clientcontact", scope=CARE_TEAM),
    "clients:contact_edit": perms("clients.change_clientcontact", scope=CARE_TEAM),
    "clients:care_plans": perms("clients.view_careplan", scope=CARE_TEAM),
    "clients:documents": perms("clients.view_client", scope=CARE_TEAM),
    "clients:history": perms("audit.view_logentry", scope=HISTORY_READERS),
    "clients:care_plan_create": perms("clients.add_careplan"),
    "clients:care_plan": perms("clients.view_careplan", scope=CARE_TEAM),
    "clients:care_plan_edit": perms("clients.change_careplan"),
    "clients:care_plan_pdf": perms("clients.view_careplan", scope=CARE_TEAM),
    "clients:care_plan_action": perms("clients.approve_careplan"),
    "staff:directory": perms("staff.view_staff"),
    "staff:create": perms("staff.add_staff"),
    "staff:import": perms("staff.import_staff", "staff.add_staff"),
    "staff:matrix": perms("staff.view_staff", "staff.view_certification"),
    "staff:programs": perms("staff.view_trainingprogram"),
    "staff:program_create": perms("staff.add_trainingprogram"),
    "staff:program_edit": perms("staff.change_trainingprogram"),
    "staff:detail": perms("staff.view_staff"),
    "staff:edit": perms("staff.change_staff"),
    "staff:reveal_ssn": perms("staff.view_staff"),
    "staff:photo": perms("staff.change_staff"),
    "staff:create_account": perms("staff.change_staff", "accounts.invite_user"),
    "staff:certifications": perms("staff.view_staff"),
    "staff:certification_create": perms("staff.add_certification"),
    "staff:certification_edit": perms("staff.change_certification"),
    "staff:certification_renew": perms("staff.add_certification"),
    "staff:training": perms("staff.view_staff"),
    "staff:training_record_add": perms("staff.add_trainingrecord"),
    "staff:documents": perms("staff.view_staff"),
    "staff:history": perms("staff.view_staff", "audit.view_logentry", scope=HISTORY_READERS),
    "scheduling:home": SIGNED_IN,
    "scheduling:week": perms("scheduling.view_shift"),
    # One's own shifts and the open ones one may take.
    "scheduling:mine": SIGNED_IN,
    "scheduling:open_shifts": perms(
        one_of=("scheduling.view_shift", "scheduling.change_shift", "scheduling.claim_shift")
    ),
    "scheduling:staff_week": perms("scheduling.view_shift"),
    "scheduling:shift_create": perms("scheduling.add_shift"),
    "scheduling:shift_quick_add": perms("scheduling.add_shift"),
    "scheduling:shift": perms("scheduling.view_shift", scope=OWN_RECORD),
    "scheduling:shift_edit": perms("scheduling.change_shift"),
    "scheduling:shift_claim": perms("scheduling.claim_shift"),
    "scheduling:shift_assign": perms("scheduling.change_shift"),
    "scheduling:schedules": perms("scheduling.view_schedule"),
    "scheduling:schedule_create": perms("scheduling.add_schedule"),
    "scheduling:schedule": perms("scheduling.view_schedule"),
    "scheduling:schedule_edit": perms("scheduling.change_schedule"),
    "scheduling:schedule_publish": perms("scheduling.publish_schedule"),
    "scheduling:schedule_status": perms("scheduling.view_schedule"),
    "scheduling:schedule_copy_week": perms("scheduling.add_shift"),
    "scheduling:appointments": SIGNED_IN,
    "scheduling:appointment_create": perms("scheduling.add_appointment"),
    "scheduling:appointment": perms("scheduling.view_appointment", scope=OWN_RECORD),
    "scheduling:appointment_edit": perms("scheduling.change_appointment"),
    # Clocking in and out is the staff member's own (their shift, their visit).
    "scheduling:shift_clock_in": OWN,
    "scheduling:appointment_clock_in": OWN,
    "scheduling:visits": SIGNED_IN,
    "scheduling:visit_export": perms("scheduling.view_visit"),
    "scheduling:visit": perms("scheduling.view_visit", scope=OWN_RECORD),
    "scheduling:clock_out": OWN,
    "scheduling:visit_correct": perms("scheduling.correct_visit"),
    "scheduling:visit_resolve": perms("scheduling.verify_visit"),
    # One's own calendar link: 403 for someone with no staff record.
    "scheduling:calendar_feed": OWN,
    "scheduling:calendar_feed_create": OWN,
    "scheduling:calendar_feed_revoke": OWN,
    "scheduling:feed": TOKEN,
    "documentation:submissions": SIGNED_IN,
    "documentation:client": perms("documentation.view_formsubmission", scope=CARE_TEAM),
    "documentation:start": perms("documentation.add_formsubmission"),
    "documentation:submission": perms("documentation.view_formsubmission", scope=OWN_RECORD),
    "documentation:fill": OWN,
    "documentation:approve": perms("documentation.approve_formsubmission"),
    "documentation:reject": perms("documentation.approve_formsubmission"),
    "documentation:delete": OWN,
    "documentation:pdf": perms("documentation.view_formsubmission", scope=OWN_RECORD),
    "documentation:sign": OWN,
    "documentation:link_create": perms("documentation.request_signature"),
    "documentation:verify": perms("documentation.view_formsubmission", scope=OWN_RECORD),
    "documentation:link_sign": TOKEN,
    "documentation:notes_due": SIGNED_IN,
    "documentation:visit_note": OWN,
    "documentation:templates": perms("documentation.view_formtemplate"),
    "documentation:template_create": perms("documentation.add_formtemplate"),
    "documentation:template_import": perms("documentation.add_formtemplate"),
    "documentation:template": perms("documentation.view_formtemplate"),
    "documentation:template_edit": perms("documentation.change_formtemplate"),
    "documentation:template_export": perms("documentation.view_formtemplate"),
    "documentation:template_preview": perms("documentation.view_formtemplate"),
    "documentation:field_create": perms("documentation.change_formtemplate"),
    "documentation:field_edit": perms("documentation.change_formtemplate"),
    "documentation:field_move": perms("documentation.change_formtemplate"),
    "documentation:field_delete": perms("documentation.change_formtemplate"),
    "documentation:section_create": perms("documentation.change_formtemplate"),
    "documentation:section_edit": perms("documentation.change_formtemplate"),
    "documentation:section_delete": perms("documentation.change_formtemplate"),
    "billing:home": perms(one_of=BILLING_VIEWS),
    "billing:authorizations": perms("billing.view_serviceauthorization"),
    "billing:authorization_create": perms("billing.add_serviceauthorization"),
    "billing:authorization": perms("billing.view_serviceauthorization"),
    "billing:authorization_edit": perms("billing.change_serviceauthorization"),
    "billing:review": perms("billing.view_billableservice"),
    "billing:generate": perms("billing.add_billableservice"),
    "billing:review_recheck": perms("billing.change_billableservice"),
    "billing:billable_create": perms("billing.add_billableservice"),
    "billing:billable": perms("billing.view_billableservice"),
    "billing:billable_recheck": perms("billing.change_billableservice"),
    "billing:billable_void": perms("billing.change_billableservice"),
    "billing:payers": perms("billing.view_payer"),
    "billing:payer_create": perms("billing.add_payer"),
    "billing:payer": perms("billing.view_payer"),
    "billing:payer_edit": perms("billing.change_payer"),
    "billing:rate_create": perms("billing.add_payerrate"),
    "billing:rate_edit": perms("billing.change_payerrate"),
    "billing:rate_delete": perms("billing.delete_payerrate"),
    "billing:client": perms("billing.view_coverage"),
    "billing:coverage_create": perms("billing.add_coverage"),
    "billing:coverage_edit": perms("billing.change_coverage"),
    "billing:coverage_delete": perms("billing.delete_coverage"),
    "billing:settings": perms("billing.view_claim"),
    "billing:remittances": perms("billing.view_interchange"),
    "billing:remittance_upload": perms("billing.post_remittance"),
    "billing:remittance": perms("billing.view_interchange"),
    "billing:claims": perms("billing.view_claim"),
    "billing:claims_build": perms("billing.add_claim"),
    "billing:export": perms("billing.submit_claim"),
    "billing:claim": perms("billing.view_claim"),
    "billing:claim_status": perms("billing.change_claim"),
    # The crawler's claim is a draft: no 837P file yet, so 404 even for those who may download.
    "billing:claim_file": perms("billing.submit_claim", held="refused"),
    "billing:claim_replace": perms("billing.add_claim"),
    "billing:claim_void": perms("billing.add_claim"),
    "billing:claim_delete": perms("billing.delete_claim"),
    "billing:claim_line_remove": perms("billing.change_claim"),
    "billing:receivables": perms("billing.view_claim"),
    "billing:summary_pdf": perms("billing.view_claim"),
    "compliance:findings": perms("compliance.view_finding"),
    "compliance:run": perms("compliance.run_compliance"),
    # The finding is named in the query string: a bare GET names none (404 even to holders).
    "compliance:acknowledge": perms("compliance.acknowledge_finding", held="refused"),
    # Reports: the index lists what the person may open; each report and its export (a POST)
    # needs that report's permission.
    "reports:index": SIGNED_IN,
    # A person's own exports; an export's pages and file: its maker's, and those who read every
    # export record (reports.view_export), while they may open its report.
    "reports:exports": SIGNED_IN,
    "reports:export": OWN,
    "reports:export_status": OWN,
    "reports:export_download": OWN,
    "reports:census": perms("reports.view_census_report"),
    "reports:census_export": perms("reports.view_census_report"),
    "reports:client-roster": perms("reports.view_census_report"),
    "reports:client-roster_export": perms("reports.view_census_report"),
    "reports:staff-hours": perms("reports.view_staff_hours_report"),
    "reports:staff-hours_export": perms("reports.view_staff_hours_report"),
    "reports:utilization": perms("reports.view_utilization_report"),
    "reports:utilization_export": perms("reports.view_utilization_report"),
    "reports:compliance": perms("reports.view_compliance_report"),
    "reports:compliance_export": perms("reports.view_compliance_report"),
    "reports:billing": perms("reports.view_billing_report"),
    "reports:billing_export": perms("reports.view_billing_report"),
    "reports:incidents": perms("reports.view_incidents_report"),
    "reports:incidents_export": perms("reports.view_incidents_report"),
    "reports:evv-exceptions": perms("reports.view_evv_report"),
    "reports:evv-exceptions_export": perms("reports.view_evv_report"),
    "reports:phi-access": perms("reports.view_phi_access_report"),
    "reports:phi-access_export": perms("reports.view_phi_access_report"),
    # The organization's stylesheet, linked by every page, sign-in included.
    "org_stylesheet": PUBLIC,
    "themes:index": perms("themes.manage_themes"),
    "themes:create": perms("themes.manage_themes"),
    "themes:detail": perms("themes.manage_themes"),
    "themes:edit": perms("themes.manage_themes"),
    "themes:preview": perms("themes.manage_themes"),
    "themes:activate": perms("themes.manage_themes"),
    "themes:deactivate": perms("themes.manage_themes"),
    "themes:delete": perms("themes.manage_themes"),
}

# The platform's host: the landing page, sign-in, and the admin where operators (superusers of
# the public schema) manage organizations.
PLATFORM = COMMON | {
    "landing": PUBLIC,
    # The crawler's record is an organization's client, whose table is not on the platform: 404.
    "admin:view_on_site": perms("accounts.access_admin", held="refused"),
    # An organization's sign-in policy: the platform has none (404).
    "accounts:security": perms("accounts.manage_security", held="refused"),
}

# A model's admin pages need the admin's access and, by the URL name's end, these permissions
# of the model (all of the first, one of the second). Where a ModelAdmin refuses more (records
# only the system writes cannot be added or deleted there) the crawler asks the ModelAdmin.
ADMIN_VIEWS = {
    "changelist": ((), ("view", "change")),
    "change": ((), ("view", "change")),
    "history": ((), ("view", "change")),
    "add": (("add",), ()),
    "delete": (("delete",), ()),
}


def admin_access(name: str, models: dict[str, tuple[str, str]]) -> Access | None:
    """Django's rule for a model's admin page: the admin's access and the model's permission.
    `models` maps "app_model" to (app_label, model_name) of the registered models."""
    view = name.removeprefix("admin:")
    for prefix, (app_label, model_name) in models.items():
        action = view.removeprefix(prefix + "_")
        if view.startswith(prefix + "_") and action in ADMIN_VIEWS:
            needed, one_of = ADMIN_VIEWS[action]
            return perms(
                "accounts.access_admin",
                *(f"{app_label}.{verb}_{model_name}" for verb in needed),
                one_of=tuple(f"{app_label}.{verb}_{model_name}" for verb in one_of),
            )
    return None
