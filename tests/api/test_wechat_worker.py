"""The bind SMS of a WeChat sign-in sent by a real Celery worker process (issue 14, the timing leak):
the request answers at once and the same for every number; the worker, on its own queue, sends the code
to the fake SMS gateway."""

import time
import uuid

import pytest

from api.models import WeChatBinding
from tests.api.test_wechat import LIU_FANG, confirm, sign_in
from tests.subprocess_env import celery_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def gateway(settings, monkeypatch):
    from tests.residents.conftest import FakeGateway

    fake = FakeGateway()
    settings.RESIDENT_SMS_BASE_URL = fake.url
    monkeypatch.setenv("RESIDENT_SMS_BASE_URL", fake.url)  # the worker's environment
    yield fake
    fake.close()


@pytest.fixture
def worker(transactional_db, settings, gateway):
    queue = f"test-api-{uuid.uuid4().hex[:8]}"
    settings.API_CELERY_QUEUE = queue
    with celery_worker(queue, broker_url=settings.CELERY_BROKER_URL) as proc:
        yield proc


def test_it_sends_the_bind_code_from_a_real_worker(anon, cast, wechat, gateway, worker):
    cast.deputy.deputy.mobile = LIU_FANG
    cast.deputy.deputy.save(update_fields=["mobile"])
    known_token = sign_in(anon, wechat, "o-known").json()["bind_token"]
    unknown_token = sign_in(anon, wechat, "o-unknown").json()["bind_token"]
    known = anon.post("/api/v1/auth/wechat/bind", {"bind_token": known_token, "mobile": LIU_FANG}, format="json")
    unknown = anon.post("/api/v1/auth/wechat/bind", {"bind_token": unknown_token, "mobile": "13711112222"},
                        format="json")
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json()) and known.status_code == 200
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not gateway.messages:
        assert worker.poll() is None, "the worker exited"
        time.sleep(0.2)
    time.sleep(1)  # the unknown number's task ran too (and sent nothing)
    assert [m["phone"] for m in gateway.messages] == [LIU_FANG]
    response = confirm(anon, known_token, gateway.last_code(LIU_FANG))
    assert response.status_code == 201, response.content
    assert WeChatBinding.objects.get().user == cast.deputy
