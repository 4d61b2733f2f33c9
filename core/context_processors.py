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


def care_mode(request):
    """关怀版 on for this page: the account's choice when signed in, otherwise the cookie."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        on = user.care_mode
    else:
        on = request.COOKIES.get("care_mode") == "1"
    return {"care_mode": on}
