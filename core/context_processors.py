from django.conf import settings
from django.utils.functional import SimpleLazyObject

from . import nav


def navigation(request):
    user = getattr(request, "user", None)
    return {
        "SITE_NAME": settings.SITE_NAME,
        # Lazy: pages that do not render the navigation (JSON, files) pay nothing.
        "nav_items": SimpleLazyObject(lambda: nav.items_for(user)) if user is not None else [],
    }
