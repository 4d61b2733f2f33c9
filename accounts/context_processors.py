from django.conf import settings


def session_limits(request):
    """The idle limits the page's warning script needs (templates/accounts/includes/session_script.html)."""
    return {
        "session_idle_seconds": int(settings.SESSION_IDLE_MINUTES * 60),
        "session_warning_seconds": settings.SESSION_WARNING_SECONDS,
    }
