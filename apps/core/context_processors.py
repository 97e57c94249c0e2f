from apps.core import navigation as nav


def navigation(request):
    # Lazy: pages that never render the header (JSON, files) pay nothing.
    return {"nav_items": lambda: nav.items_for(request)}
