from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control


def landing(request):
    """The public host: what Starline is, and the way to the platform admin."""
    return render(request, "tenants/landing.html", {"base_domain": settings.BASE_DOMAIN})


def home(request):
    return render(request, "tenants/home.html")


@cache_control(max_age=3600, public=True)
def favicon(request):
    org = request.organization
    url = org.favicon.url if org.favicon else static("img/favicon.svg")
    return HttpResponseRedirect(url)
