from django.conf import settings
from django.utils.functional import SimpleLazyObject

from . import nav


def navigation(request):
    user = getattr(request, "user", None)
    if user is None:
        return {"SITE_NAME": settings.SITE_NAME, "nav_items": [], "nav_menu": []}
    # Lazy: pages that do not render the navigation (JSON, files) pay nothing; counted once.
    items = SimpleLazyObject(lambda: nav.items_for(user))
    return {
        "SITE_NAME": settings.SITE_NAME,
        "nav_items": items,
        "nav_menu": SimpleLazyObject(lambda: nav.menu(list(items))),
    }
