"""Request middleware of the project."""

from django.http import QueryDict


class StripNulQueryMiddleware:
    """Removes NUL characters from every query parameter (name and value) before a view reads them.

    PostgreSQL refuses a NUL in any text value, so ``/activities/?q=%00`` reached the database as a
    ValueError and answered 500; no person means a NUL, so it is dropped here once for every view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get("QUERY_STRING", ""):
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(key.replace("\x00", ""), [v.replace("\x00", "") for v in values])
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)



class NavBadgeMiddleware:
    """After a signed-in user's unsafe request (they may have changed what their badges count), drop their
    kept badge counts so the next page counts afresh (core.nav.badge_counts)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                from core import nav

                nav.forget_counts(user)
        return response
