import pytest

from core import workdays


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """Each test starts and ends with no cached schedule: the database is rolled back after each test, so
    a schedule cached during one must not leak into the next (other modules' tests included)."""
    workdays.clear_caches()
    yield
    workdays.clear_caches()
