"""Racing calls for the loops' concurrency tests: real parallel PostgreSQL transactions (threads, each
with its own connection), used with ``pytest.mark.django_db(transaction=True)``."""

import threading

from django.db import connection

from core.loops import LoopError


def race(*calls):
    """Run the calls at the same moment in separate threads (separate DB connections); each result is
    ("ok", value), ("refused", message) for a loop refusal, or ("error", repr) for anything else."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = ("ok", call())
        except LoopError as exc:
            results[i] = ("refused", exc.message)
        except Exception as exc:  # anything else is a bug the caller's assertion shows
            results[i] = ("error", repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results
