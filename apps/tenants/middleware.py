"""Host → organization routing, and the organization's time zone and language per request."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import connection
from django.shortcuts import render
from django.utils import timezone, translation
from django_tenants.middleware.main import TenantMainMiddleware

from apps.tenants import host_cache


class OrganizationMiddleware(TenantMainMiddleware):
    """Choose the schema from the Host header.

    Public hosts serve the landing page and the platform admin; a known host serves its
    organization; anything else gets a plain 404 that names no organization.
    """

    @staticmethod
    def hostname_from_request(request):
        # Lowercased, port dropped, and "www." kept: django-tenants strips it, which would
        # route www.example.org to whichever organization owns example.org.
        return request.get_host().split(":")[0].lower()

    def process_request(self, request):
        connection.set_schema_to_public()
        request.organization = None
        try:
            hostname = self.hostname_from_request(request)
        except DisallowedHost:
            return render(request, "404.html", status=404)

        if hostname in settings.PUBLIC_HOSTS:
            request.tenant = connection.tenant
            self.setup_url_routing(request, force_public=True)
            return None

        organization = host_cache.lookup(hostname)
        if organization is None or organization.is_system:
            return render(request, "404.html", status=404)
        if not organization.is_active:
            return render(request, "tenants/suspended.html", {"suspended": organization}, status=403)

        organization.domain_url = hostname
        request.tenant = organization
        request.organization = organization
        connection.set_tenant(organization)
        self.setup_url_routing(request)
        return None


def _zone(name: str):
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


class OrganizationLocaleMiddleware:
    """Activate the organization's time zone and language (a visitor's own choice of
    language, made with the switcher, wins over the organization's default)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Every host, public ones included (None there): a plain HttpRequest, not an
        # organization's request, so read the way that allows no organization.
        organization = getattr(request, "organization", None)
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = organization.language if organization else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # Restored afterwards: a worker thread must not carry one organization's language
        # or time zone into the next request it serves.
        with (
            translation.override(language),
            timezone.override(_zone(organization.timezone) if organization is not None else None),
        ):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
