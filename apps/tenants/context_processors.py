from apps.tenants import theme


def organization(request):
    org = getattr(request, "organization", None)
    return {"organization": org, "theme": theme.for_organization(org)}
