"""Fixtures of the resident-report tests: a fake SMS gateway over real HTTP, clean rate-limit counters,
and a code for the deputy persona and for a station in 东山街道."""

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import redis
from django.conf import settings

from deputies.models import DeputyHome
from residents.models import ResidentCode


class FakeGateway:
    """A local SMS gateway: records every message; `fail=True` answers an error."""

    def __init__(self):
        self.messages: list[dict] = []
        self.fail = False
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if gateway.fail:
                    answer = {"code": 500, "message": "down"}
                else:
                    gateway.messages.append({"path": self.path, **body})
                    answer = {"code": 0}
                data = json.dumps(answer).encode()
                self.send_response(200)
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

    def last_code(self, phone: str) -> str:
        for m in reversed(self.messages):
            if m["phone"] == phone:
                found = re.search(r"验证码是 (\d{6})", m["text"])
                if found:
                    return found.group(1)
        raise AssertionError(f"no code sent to {phone}")

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sms(settings):
    gateway = FakeGateway()
    settings.RESIDENT_SMS_BASE_URL = gateway.url
    yield gateway
    gateway.close()


@pytest.fixture
def gateway(sms, monkeypatch):
    """The fake gateway also for a Celery worker started by the test (it reads the environment)."""
    monkeypatch.setenv("RESIDENT_SMS_BASE_URL", sms.url)
    return sms


@pytest.fixture(autouse=True)
def _clean_limits():
    conn = redis.Redis.from_url(settings.REDIS_URL)
    for key in conn.scan_iter("xiangshan:residents:*"):
        conn.delete(key)
    yield


@pytest.fixture
def codes(cast):
    """The deputy persona's 代表码, and a station in 东山街道 with the group leader on duty."""
    deputy_code = ResidentCode.objects.create(kind="deputy", deputy=cast.deputy.deputy, area=cast.deputy.deputy.area)
    home = DeputyHome.objects.create(name="周庄社区代表联络站", kind="station", area=cast.deputy.deputy.area)
    station = ResidentCode.objects.create(kind="station", home=home, area=home.area)
    station.on_duty.add(cast.group_leader.deputy)
    return {"deputy": deputy_code, "station": station}


def report_data(**extra):
    data = {"category": "urban", "text": "小区门口路灯坏了两个月,晚上很黑。", "address": "周庄社区3号楼",
            "name": "王大妈", "phone": "13912345678", "consent": "on"}
    data.update(extra)
    return data


def submit_report(client, code, sms, **extra):
    """Write and confirm a report through the public pages; returns the Report."""
    from residents.models import Report

    data = report_data(**extra)
    response = client.post(f"/q/{code.token}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    report = Report.objects.get(status_token=response["Location"].split("/")[3])
    response = client.post(f"/q/s/{report.status_token}/verify/", {"code": sms.last_code(data["phone"])})
    assert response.status_code == 302
    report.refresh_from_db()
    return report


# A 1x1 PNG: real image content for the photo checks (the same bytes as the petitions tests use).
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png(name="photo.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PNG, content_type="image/png")


def conclude_item(cast, item, satisfaction="satisfied"):
    """Run a converted item through its own loop to 办结 with the petitions services (the units' part)."""
    from petitions import workflow

    item = workflow.item_start_research(item=item, actor=cast.staff)
    item = workflow.item_assign(item=item, actor=cast.staff, lead_unit=cast.zhujian.unit)
    item = workflow.item_submit_result(item=item, actor=cast.zhujian, result="已更换灯具,恢复照明。")
    item = workflow.item_review_reply(item=item, actor=cast.staff, approve=True)
    return workflow.item_evaluate(item=item, actor=cast.deputy, satisfaction=satisfaction)
