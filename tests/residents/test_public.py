"""The resident's pages: write, confirm by SMS, receipt and status; hostile input; guessing tokens."""

import pytest

from residents.models import Report, ReportEvent

from .conftest import report_data, submit_report

pytestmark = pytest.mark.django_db


def test_it_takes_a_report_confirmed_by_sms_and_shows_only_state_and_reply(client, cast, codes, sms,
                                                                          django_capture_on_commit_callbacks):
    code = codes["deputy"]
    page = client.get(f"/q/{code.token}/")
    assert page.status_code == 200
    assert "刘芳" in page.content.decode() and "个人信息处理说明" in page.content.decode()

    response = client.post(f"/q/{code.token}/", report_data())
    report = Report.objects.get()
    assert response["Location"] == f"/q/s/{report.status_token}/verify/"
    assert report.state == "pending" and sms.messages[0]["path"] == "/send"
    assert client.get("/residents/").status_code == 302  # nothing else opens without a login

    # Before confirming, the status page is not reachable: it sends back to the code form.
    assert client.get(f"/q/s/{report.status_token}/")["Location"].endswith("/verify/")
    wrong = client.post(f"/q/s/{report.status_token}/verify/", {"code": "000000" if sms.last_code(
        "13912345678") != "000000" else "111111"})
    assert "验证码不正确" in wrong.content.decode()
    report.refresh_from_db()
    assert report.state == "pending" and report.verify_attempts == 1

    with django_capture_on_commit_callbacks(execute=True):
        ok = client.post(f"/q/s/{report.status_token}/verify/", {"code": sms.last_code("13912345678")})
    assert ok["Location"] == f"/q/s/{report.status_token}/?new=1"
    report.refresh_from_db()
    assert report.state == "submitted" and report.accept_due is not None
    assert [e.action for e in ReportEvent.objects.filter(report=report)] == ["create", "verify"]
    # The status link goes by SMS too, from the worker (test_receipt_worker.py): not from this request.
    assert not any(report.receipt_no in m["text"] for m in sms.messages) and report.receipt_sent_at is None

    status = client.get(ok["Location"]).content.decode()
    assert report.receipt_no in status and "已提交" in status
    for personal in ("王大妈", "13912345678", "3912", "周庄社区3号楼", "路灯坏了"):
        assert personal not in status

    # A used code is refused; the report stays as it is.
    reused = client.post(f"/q/s/{report.status_token}/verify/", {"code": sms.last_code("13912345678")})
    assert reused.status_code == 302 and Report.objects.get().state == "submitted"


def test_it_refuses_expired_codes_and_too_many_attempts(client, cast, codes, sms):
    import time_machine

    client.post(f"/q/{codes['deputy'].token}/", report_data())
    report = Report.objects.get()
    code = sms.last_code("13912345678")
    with time_machine.travel("2026-11-26 09:45 +0800"):  # 15 minutes later
        page = client.post(f"/q/s/{report.status_token}/verify/", {"code": code})
    assert "已过期" in page.content.decode()
    Report.objects.filter(pk=report.pk).update(verify_attempts=5)
    page = client.post(f"/q/s/{report.status_token}/verify/", {"code": code})
    assert "错误次数过多" in page.content.decode()
    assert Report.objects.get().state == "pending"


def test_it_escapes_scripts_strips_nul_and_bounds_lengths(client, cast, codes, sms):
    token = codes["deputy"].token
    too_long = client.post(f"/q/{token}/", report_data(text="长" * 1001))
    assert too_long.status_code == 400 and not Report.objects.exists()
    assert "长" * 1001 in too_long.content.decode()  # what was typed is kept
    bad_phone = client.post(f"/q/{token}/", report_data(phone="1234"))
    assert bad_phone.status_code == 400 and "11 位手机号码" in bad_phone.content.decode()
    no_consent = report_data()
    del no_consent["consent"]
    assert "请阅读并同意" in client.post(f"/q/{token}/", no_consent).content.decode()
    assert not Report.objects.exists()

    report = submit_report(client, codes["deputy"], sms, text="<script>alert(1)</script>路灯\x00坏了",
                           address="<img src=x onerror=alert(1)>")
    assert "\x00" not in report.text
    client.force_login(cast.deputy, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(f"/residents/{report.pk}/").content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page


def test_it_enforces_csrf_on_the_public_form(cast, codes, sms):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(f"/q/{codes['deputy'].token}/", report_data()).status_code == 403
    assert not Report.objects.exists()


def test_it_gives_nothing_for_guessed_revoked_or_ended_tokens(client, cast, codes, sms):
    report = submit_report(client, codes["deputy"], sms)
    for url in (f"/q/{report.status_token[:-1]}x/", "/q/s/AAAAAAAAAAAAAAAAAAAAAAAA/", f"/q/s/{report.receipt_no}/",
                f"/q/s/{report.pk}/", f"/q/{report.code_id}/", f"/q/s/{report.code.token}/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert report.receipt_no not in response.content.decode()
    from residents.services import code_revoke

    code_revoke(actor=cast.staff, code=codes["deputy"])
    gone = client.get(f"/q/{codes['deputy'].token}/")
    assert gone.status_code == 404 and "已作废" in gone.content.decode()
    assert client.post(f"/q/{codes['deputy'].token}/", report_data()).status_code == 404
    # A station code works; its deputy's mandate is not involved.
    assert client.get(f"/q/{codes['station'].token}/").status_code == 200
    # A deputy whose mandate ended: the code is dead.
    cast.group_leader.deputy.mandates.update(status="terminated")
    code = codes["station"]
    from residents.models import ResidentCode

    leader_code = ResidentCode.objects.create(kind="deputy", deputy=cast.group_leader.deputy)
    assert client.get(f"/q/{leader_code.token}/").status_code == 404
    assert client.get(f"/q/{code.token}/").status_code == 200
