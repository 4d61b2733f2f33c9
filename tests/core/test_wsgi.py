"""The WSGI entry point gunicorn loads settles the process before its first request (issue 13, the
residents' burst): the views, the reverse table, the base template and the Celery app's tasks are loaded,
then frozen out of the garbage collector's full collections."""

import json
import subprocess
import sys

import pytest

from tests.subprocess_env import child_env

pytestmark = pytest.mark.django_db


def test_the_wsgi_module_loads_what_first_requests_need_and_freezes_it():
    script = ("import gc, json, sys, xiangshan.wsgi; from xiangshan.celery import app; "
              "print(json.dumps({'frozen': gc.get_freeze_count(), 'views': 'residents.views' in sys.modules, "
              "'tasks': 'residents.send_receipt' in app.tasks}))")
    out = subprocess.run([sys.executable, "-c", script], env=child_env(), capture_output=True, text=True,
                         timeout=120, check=True)
    found = json.loads(out.stdout.strip().splitlines()[-1])
    assert found["views"] and found["tasks"]
    assert found["frozen"] > 100_000  # the objects of the loaded modules, not walked by full collections
