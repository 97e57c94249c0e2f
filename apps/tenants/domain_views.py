"""The organization's custom domain page (/settings/domains/), for its admins.

Whoever may change the sign-in policy may change the domain: the domain decides which host
serves the organization's sign-in page and holds its session cookies.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.pages import form_page
from apps.tenants import domain_dns, domain_forms, domain_services
from apps.tenants.http import OrganizationRequest

PERMISSION = "accounts.manage_security"


@login_required
@permission_required(PERMISSION, raise_exception=True)
def index(request: OrganizationRequest) -> HttpResponse:
    """The domain and the record that proves it; without one, the form to add one."""
    organization = request.organization
    domain = domain_services.custom_domain_of(organization)
    form = domain_forms.CustomDomainForm(request.POST or None)
    return form_page(
        request,
        form,
        save=lambda data: domain_services.custom_domain_claim(organization=organization, domain=data["custom_domain"]),
        template="tenants/domains.html",
        context={
            "domain": domain,
            "record_name": domain_dns.record_name(domain.domain) if domain else "",
            "routes": domain is not None and domain_services.custom_domain_routes(domain),
        },
        saved_message=_("Domain added. Create the TXT record below, then choose “Check now”."),
        redirect_to="domains:index",
    )


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_POST
def check(request: OrganizationRequest) -> HttpResponse:
    try:
        domain, _event = domain_services.custom_domain_check(organization=request.organization)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("domains:index")
    if domain.status == domain.Status.VERIFIED and domain.failing_since is None:
        messages.success(request, _("%(domain)s is verified and serves your site.") % {"domain": domain.domain})
    else:
        messages.error(request, domain.last_check_message)
    return redirect("domains:index")


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def remove(request: OrganizationRequest) -> HttpResponse:
    """A page that says what removing does (a verified domain stops serving the site at once),
    and the POST that does it."""
    if request.method == "GET":
        domain = domain_services.custom_domain_of(request.organization)
        if domain is None:
            return redirect("domains:index")
        return render(request, "tenants/domain_remove.html", {"domain": domain})
    try:
        domain_services.custom_domain_remove(organization=request.organization)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Custom domain removed. Your site stays on its subdomain."))
    return redirect("domains:index")
