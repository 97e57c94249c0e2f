from functools import lru_cache

from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import get_language_info

from apps.core import navigation as nav


@lru_cache(maxsize=1)
def _language_choices() -> tuple[tuple[str, str], ...]:
    # Each language in its own words ("Español"), so a reader finds theirs whatever the page's.
    return tuple((code, capfirst(get_language_info(code)["name_local"])) for code, _name in settings.LANGUAGES)


def navigation(request):
    # Lazy: pages that never render the header (JSON, files) pay nothing.
    return {"nav_items": lambda: nav.items_for(request), "language_choices": _language_choices()}
