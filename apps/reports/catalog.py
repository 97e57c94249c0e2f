"""The reports of issue 26: what each shows, who may open it, and its filters and columns.
Their queries are in apps/reports/selectors.py."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.reports import forms, selectors
from apps.reports.registry import DATE, DATETIME, DECIMAL, INTEGER, MONEY, MONTH, Column, Report, register

CENSUS = Report(
    slug="census",
    title=_("Census by location and status"),
    description=_("How many clients each location has, by their current status."),
    permission="reports.view_census_report",
    form=forms.CensusForm,
    columns=(
        Column("location", _("Location")),
        Column("active", _("Active"), INTEGER, total=True),
        Column("on_hold", _("On hold"), INTEGER, total=True),
        Column("inactive", _("Inactive"), INTEGER, total=True),
        Column("discharged", _("Discharged"), INTEGER, total=True),
        Column("deceased", _("Deceased"), INTEGER, total=True),
        Column("total", _("All clients"), INTEGER, total=True),
    ),
    rows=selectors.census,
    phi=True,
    order=10,
)

CLIENT_ROSTER = Report(
    slug="client-roster",
    title=_("Client roster"),
    description=_(
        "The census client by client: each client's ID, date of birth, status, location, and admission and"
        " discharge dates."
    ),
    # The census's readers: the same clients, named one by one.
    permission="reports.view_census_report",
    form=forms.ClientRosterForm,
    columns=(
        Column("client_id", _("Client ID")),
        Column("client", _("Client")),
        Column("date_of_birth", _("Date of birth"), DATE),
        Column("status", _("Status")),
        Column("location", _("Location")),
        Column("admitted", _("Admitted"), DATE),
        Column("discharged", _("Discharged"), DATE),
    ),
    rows=selectors.client_roster,
    phi=True,
    order=15,
)

STAFF_HOURS = Report(
    slug="staff-hours",
    title=_("Staff hours by week (payroll)"),
    description=_(
        "Hours worked from clocked-out visits, by person and week (the organization's week, as in its settings):"
        " regular and overtime"
        " (over 40 hours a week, hourly staff only)."
    ),
    permission="reports.view_staff_hours_report",
    form=forms.StaffHoursForm,
    columns=(
        Column("employee_id", _("Employee ID")),
        Column("name", _("Name")),
        Column("pay_type", _("Pay type")),
        Column("week", _("Week of"), DATE),
        Column("regular", _("Regular hours"), DECIMAL, total=True),
        Column("overtime", _("Overtime hours"), DECIMAL, total=True),
        Column("hours", _("Total hours"), DECIMAL, total=True),
    ),
    rows=selectors.staff_hours,
    order=20,
)

BILLING = Report(
    slug="billing",
    title=_("Billing by payer and month"),
    description=_("Billable services by payer and month of service (void ones left out), and how much is on claims."),
    permission="reports.view_billing_report",
    form=forms.BillingForm,
    columns=(
        Column("payer", _("Payer")),
        Column("month", _("Month"), MONTH),
        Column("services", _("Services"), INTEGER, total=True),
        Column("units", _("Units"), DECIMAL, total=True),
        Column("amount", _("Amount"), MONEY, total=True),
        Column("claimed", _("On claims"), MONEY, total=True),
    ),
    rows=selectors.billing,
    order=40,
)

UTILIZATION = Report(
    slug="utilization",
    title=_("Service utilization against authorizations"),
    description=_(
        "Authorizations in force during the period: units authorized, used (billable or on claims) and remaining."
    ),
    permission="reports.view_utilization_report",
    form=forms.UtilizationForm,
    columns=(
        Column("client_id", _("Client ID")),
        Column("client", _("Client")),
        Column("payer", _("Payer")),
        Column("service", _("Service")),
        Column("authorization", _("Authorization")),
        Column("start", _("Starts"), DATE),
        Column("end", _("Ends"), DATE),
        Column("authorized", _("Units authorized"), DECIMAL, total=True),
        Column("used", _("Units used"), DECIMAL, total=True),
        Column("remaining", _("Units remaining"), DECIMAL, total=True),
        Column("percent", _("Percent used"), DECIMAL),
    ),
    rows=selectors.utilization,
    phi=True,
    order=30,
)

COMPLIANCE = Report(
    slug="compliance",
    title=_("Certification and training compliance"),
    description=_(
        "Active staff and the certifications and mandatory training required of them today: current, expiring,"
        " expired or missing."
    ),
    permission="reports.view_compliance_report",
    form=forms.ComplianceForm,
    columns=(
        Column("employee_id", _("Employee ID")),
        Column("name", _("Name")),
        Column("department", _("Department")),
        Column("job_title", _("Job title")),
        Column("required", _("Required"), INTEGER, total=True),
        Column("current", _("Current"), INTEGER, total=True),
        Column("expiring", _("Expiring"), INTEGER, total=True),
        Column("expired", _("Expired"), INTEGER, total=True),
        Column("missing", _("Missing"), INTEGER, total=True),
    ),
    rows=selectors.compliance,
    order=50,
)

INCIDENTS = Report(
    slug="incidents",
    title=_("Incidents by type, location and month"),
    description=_(
        "Incident reports sent, by the client's location and month, and by kind: injury, suspected abuse or"
        " neglect, emergency services called, other. A report of two kinds counts under each."
    ),
    permission="reports.view_incidents_report",
    form=forms.IncidentsForm,
    columns=(
        Column("location", _("Location")),
        Column("month", _("Month"), MONTH),
        Column("incidents", _("Incidents"), INTEGER, total=True),
        Column("injury", _("Injury"), INTEGER, total=True),
        Column("abuse", _("Suspected abuse or neglect"), INTEGER, total=True),
        Column("emergency", _("Emergency services"), INTEGER, total=True),
        Column("other", _("Other"), INTEGER, total=True),
    ),
    rows=selectors.incidents,
    phi=True,
    order=60,
)

EVV = Report(
    slug="evv-exceptions",
    title=_("EVV exceptions"),
    description=_(
        "Visits clocked in during the period with each visit verification exception: awaiting review and resolved."
        " A visit with two exceptions counts under each."
    ),
    permission="reports.view_evv_report",
    form=forms.EvvForm,
    columns=(
        Column("exception", _("Exception")),
        Column("visits", _("Visits"), INTEGER, total=True),
        Column("awaiting", _("Awaiting review"), INTEGER, total=True),
        Column("resolved", _("Resolved"), INTEGER, total=True),
    ),
    rows=selectors.evv_exceptions,
    order=70,
)

PHI_ACCESS = Report(
    slug="phi-access",
    title=_("PHI access by client"),
    description=_("How often each client's record was opened, printed or downloaded, and by how many people."),
    permission="reports.view_phi_access_report",
    form=forms.PhiAccessForm,
    columns=(
        Column("client_id", _("Client ID")),
        Column("client", _("Client")),
        Column("accesses", _("Accesses"), INTEGER, total=True),
        Column("people", _("People"), INTEGER),
        Column("last", _("Last access"), DATETIME),
    ),
    rows=selectors.phi_access,
    phi=True,
    order=80,
)

ALL = (CENSUS, CLIENT_ROSTER, STAFF_HOURS, UTILIZATION, BILLING, COMPLIANCE, INCIDENTS, EVV, PHI_ACCESS)


def register_all() -> None:
    for report in ALL:
        register(report)
