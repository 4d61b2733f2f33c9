import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiangshan.settings.production")

application = get_wsgi_application()


def _settle() -> None:
    """Load now what a worker's first requests would load anyway (the URLconf and every view module it
    imports, the reverse table, the base template, the Celery app's tasks and its Redis transport: the
    first task a request queues took 65 ms of CPU), then move everything loaded so far out of the cyclic
    garbage collector's reach (gc.freeze): those ~350,000 objects live as long as the process, and each
    full collection walked them all — about 90 ms, three times in 150 requests (bench/RESULTS.md,
    "Residents' intake"). Objects made later are collected as before. No connection is left open."""
    import kombu.transport.redis  # noqa: F401 - the broker's transport
    from django.template.loader import get_template
    from django.urls import get_resolver

    from xiangshan.celery import app as celery_app

    get_resolver().reverse_dict  # noqa: B018 - imports the views and builds the reverse table
    get_template("base.html")
    celery_app.loader.import_default_modules()  # every app's tasks module (autodiscovery)
    celery_app.finalize(auto=True)
    celery_app.amqp  # noqa: B018 - the message machinery (no connection yet)
    # Whatever an import above may have opened (a module that reads a setting row) is closed: a connection
    # opened outside a request is never closed by one, and would stay idle for the worker's life.
    from django.db import connections

    connections.close_all()
    gc.freeze()


_settle()
