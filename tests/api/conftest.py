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


# ---- WeChat and SMS fakes over real HTTP --------------------------------------------------------


class FakeWeChat:
    """A local code2Session (GET /sns/jscode2session): `code_for(openid)` hands out a one-time code the
    way wx.login() would; an unknown code answers errcode 40029, a used one 40163. Every request is kept
    (`requests`) to check what our client sent. Its answers carry a session_key, which must never come
    back out of our API."""

    SESSION_KEY = "fake-session-key-never-leaves"

    def __init__(self):
        import itertools
        import json
        import threading
        import urllib.parse
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.codes: dict[str, dict] = {}
        self.used: set[str] = set()
        self.requests: list[dict] = []
        self.answer_override: dict | None = None
        self._n = itertools.count(1)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                url = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(url.query))
                fake.requests.append({"path": url.path, **query})
                code = query.get("js_code", "")
                if url.path != "/sns/jscode2session":
                    answer, status = {"errcode": 404}, 404
                elif fake.answer_override is not None:
                    answer, status = fake.answer_override, 200
                elif code in fake.used:
                    answer, status = {"errcode": 40163, "errmsg": "code been used"}, 200
                elif code in fake.codes:
                    fake.used.add(code)
                    answer, status = {**fake.codes[code], "session_key": fake.SESSION_KEY}, 200
                else:
                    answer, status = {"errcode": 40029, "errmsg": "invalid code"}, 200
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def code_for(self, openid: str, unionid: str | None = None) -> str:
        code = f"code-{next(self._n)}-{openid}"
        self.codes[code] = {"openid": openid, **({"unionid": unionid} if unionid else {})}
        return code

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def _no_real_wechat(settings):
    """No test ever calls the real WeChat: a closed port unless the `wechat` fake is used."""
    settings.WECHAT_API_BASE_URL = "http://127.0.0.1:9"
    settings.WECHAT_APP_ID, settings.WECHAT_APP_SECRET = "wx-test-app", "test-secret"
    yield


@pytest.fixture
def wechat(settings):
    fake = FakeWeChat()
    settings.WECHAT_API_BASE_URL = fake.url
    yield fake
    fake.close()


@pytest.fixture
def sms(settings, monkeypatch):
    """The residents' fake SMS gateway (the same SmsClient sends the bind codes), and an in-process worker
    for the bind-code task: what is queued (after commit, see `after_commit`) runs at once and is kept in
    `gateway.queued`. test_wechat_worker.py runs the same task in a real Celery worker."""
    from api.tasks import wechat_bind_code
    from tests.residents.conftest import FakeGateway

    gateway = FakeGateway()
    gateway.queued = []
    settings.RESIDENT_SMS_BASE_URL = gateway.url

    def apply_async(args, **kwargs):
        gateway.queued.append(list(args))
        return wechat_bind_code.apply(args=args)

    monkeypatch.setattr(wechat_bind_code, "apply_async", apply_async)
    yield gateway
    gateway.close()


def after_commit(call):
    """Run `call()` and then its on-commit callbacks, as the request's commit would (the test's own
    transaction never commits)."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        return call()


@pytest.fixture(autouse=True)
def _clean_sms_limits():
    import redis
    from django.conf import settings as django_settings

    conn = redis.Redis.from_url(django_settings.REDIS_URL)
    for key in conn.scan_iter("xiangshan:residents:api_wechat*"):
        conn.delete(key)
    yield
