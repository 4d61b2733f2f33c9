"""API test helpers: a DRF client signed in with a real device token for any persona, and rate-limit
counters cleared in Redis before each test (they would otherwise carry over between tests)."""

import pytest
from django.core.cache import caches
from rest_framework.test import APIClient

from api import services
from tests.personas import PASSWORD


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    caches["api"].clear()
    yield


@pytest.fixture
def anon():
    return APIClient()


class _Request:
    META = {"REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": "pytest"}


def token_for(user, name="测试设备") -> str:
    """A real access token for `user` (issued by the service the sign-in endpoint uses)."""
    return services.device_sign_in(user=user, name=name, request=_Request()).access_token


@pytest.fixture
def api():
    """`api(user)`: an APIClient sending that user's Bearer token (None: anonymous)."""

    def _api(user=None):
        client = APIClient()
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(user)}")
        return client

    return _api


@pytest.fixture
def password():
    return PASSWORD
