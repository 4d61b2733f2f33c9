import logging

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import home as home_panels

logger = logging.getLogger(__name__)


@login_required
def home(request):
    """Each role lands on its own work page (工作台) built from the apps' home panels."""
    return render(request, "core/home.html", {"panels": home_panels.panels_for(request)})


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links: send them to our icon."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


@never_cache
@require_GET
def healthz(request):
    """Liveness for the load balancer and monitoring: database and broker, 503 if either is down."""
    from django.conf import settings

    state = {"database": "ok", "broker": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any failure means "down"; the reason goes to the log
        logger.warning("healthz: database down: %s", exc)
        state["database"] = "down"
    try:
        import redis

        client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
    except Exception as exc:
        logger.warning("healthz: broker down: %s", exc)
        state["broker"] = "down"
    ok = all(v == "ok" for v in state.values())
    return JsonResponse({"status": "ok" if ok else "down", **state}, status=200 if ok else 503)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    return render(request, "500.html", status=500)
