"""The environment of processes that tests start reaches the test run's own database and Redis."""

import json
import subprocess
import sys
from pathlib import Path

import environ
import pytest
from django.db import connection

from tests.subprocess_env import child_env, database_url

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("db, expected", [
    # What django-environ makes of the embedded server's URL: the socket directory sits in OPTIONS.
    ({"NAME": "test_xiangshan_test", "USER": "postgres", "PASSWORD": "", "HOST": "", "PORT": "",
      "OPTIONS": {"host": "/work/x y/var/pg-test"}},
     {"NAME": "test_xiangshan_test", "USER": "postgres", "HOST": "", "OPTIONS": {"host": "/work/x y/var/pg-test"}}),
    ({"NAME": "test_db", "USER": "postgres", "PASSWORD": "", "HOST": "/run/pg", "PORT": "5433"},
     {"NAME": "test_db", "HOST": "", "OPTIONS": {"host": "/run/pg", "port": 5433}}),
    ({"NAME": "test_db", "USER": "u@x", "PASSWORD": "p:w/@%", "HOST": "10.0.0.5", "PORT": 5433,
      "OPTIONS": {"sslmode": "require"}},
     {"NAME": "test_db", "USER": "u@x", "PASSWORD": "p:w/@%", "HOST": "10.0.0.5", "PORT": 5433,
      "OPTIONS": {"sslmode": "require"}}),
])
def test_it_builds_a_database_url_that_parses_back_to_the_same_connection(db, expected):
    parsed = environ.Env.db_url_config(database_url(db))
    assert {k: parsed.get(k) for k in expected} == expected


@pytest.mark.django_db
def test_it_points_a_child_process_at_the_test_database_on_the_same_server():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database(), current_setting('data_directory')")
        ours = list(cursor.fetchone())
    script = ("import json; from django.db import connection; c = connection.cursor(); "
              "c.execute(\"SELECT current_database(), current_setting('data_directory')\"); "
              "print(json.dumps(list(c.fetchone())))")
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT, env=child_env(),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == ours
    assert ours[0].startswith("test_")
