from typing import Any

from django.http import HttpRequest

from apps.tenants import theme


def organization(request: HttpRequest) -> dict[str, Any]:
    # Every page's context, public hosts' included (no organization there), and pages
    # rendered for requests the middleware never saw (tests' RequestFactory).
    org = getattr(request, "organization", None)
    return {"organization": org, "theme": theme.for_organization(org)}
