from django.conf import settings


def session_limits(request):
    """The idle limits the page's warning script needs (templates/accounts/includes/session_script.html)."""
    import math
    import time

    from .middleware import LAST_SEEN

    idle = settings.SESSION_IDLE_MINUTES * 60
    session = getattr(request, "session", None)
    last_seen = session.get(LAST_SEEN) if session is not None else None
    if last_seen is not None:  # the stored clock may be up to a minute old: count from it
        idle = max(0, idle - max(0, time.time() - last_seen))
    return {
        "session_idle_seconds": math.ceil(idle),
        "session_warning_seconds": settings.SESSION_WARNING_SECONDS,
    }
