"""Photos on the public report form: content-checked, at most 3, stored privately, served only to those
who may read the report (nosniff, CSP), never on the status page unless staff show it; erased with the
personal data."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from residents.models import Report, ReportPhoto
from tests.access import ViewAccessCases

from .conftest import PDF, png, report_data, submit_report
from .test_inbox import _code, make_report

pytestmark = pytest.mark.django_db


def _photo(cast) -> ReportPhoto:
    report = Report.objects.filter(code=_code(cast)).first() or make_report(_code(cast))
    return report.photos.first() or ReportPhoto.objects.create(report=report, file=png(), size=70,
                                                                content_type="image/png")


class TestPhotoAccess(ViewAccessCases):
    allowed = ("deputy", "staff", "dongshan_staff")
    out_of_scope = ("renwei_deputy", "renwei_staff", "group_leader")
    forbidden = ("zhujian", "leader")

    def url(self, cast):
        return reverse("residents:photo", args=[_photo(cast).pk])

    def test_it_serves_the_image_with_nosniff_and_a_strict_csp(self, login, cast):
        response = login(cast.deputy).get(self.url(cast))
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"].startswith("default-src 'none'")
        assert response["Content-Disposition"].startswith("inline")
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_it_takes_up_to_three_photos_stored_outside_any_public_url(client, cast, codes, sms, settings):
    report = submit_report(client, codes["deputy"], sms, photos=[png("a.png"), png("b.png")])
    photos = list(report.photos.all())
    assert len(photos) == 2 and all(p.content_type == "image/png" for p in photos)
    for p in photos:
        assert re.fullmatch(r"residents/\d{4}/\d{2}/[0-9a-f]{32}\.png", p.file.name)  # a random stored name
        assert str(settings.MEDIA_ROOT) in p.file.path
    # The report page shows them to its deputy through the scoped view; the status page does not.
    client.force_login(cast.deputy, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("residents:detail", args=[report.pk])).content.decode()
    assert page.count(reverse("residents:photo", args=[photos[0].pk])) == 2  # link and thumbnail
    client.logout()
    status = client.get(report.status_url()).content.decode()
    assert "status-photos" not in status and "/photos/" not in status
    assert client.get(reverse("residents:photo", args=[photos[0].pk])).status_code == 302  # to the login


def test_it_refuses_fake_oversized_and_too_many_photos_keeping_what_was_typed(client, cast, codes, sms, settings):
    token = codes["deputy"].token
    fake = SimpleUploadedFile("photo.jpg", b"<script>alert(1)</script>" * 10, content_type="image/jpeg")
    page = client.post(f"/q/{token}/", report_data(text="小区门口的井盖丢了,很危险。", photos=[fake]))
    body = page.content.decode()
    assert page.status_code == 400 and "不是图片" in body and "请重新选择照片" in body
    assert "小区门口的井盖丢了" in body  # what was typed is kept
    assert "<script>alert(1)" not in body
    pdf = SimpleUploadedFile("scan.png", PDF, content_type="image/png")
    assert "只能上传照片" in client.post(f"/q/{token}/", report_data(photos=[pdf])).content.decode()
    settings.ATTACHMENT_MAX_BYTES = 50
    big = client.post(f"/q/{token}/", report_data(photos=[png()]))
    assert big.status_code == 400 and "超过大小限制" in big.content.decode()
    settings.ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
    four = client.post(f"/q/{token}/", report_data(photos=[png(f"{i}.png") for i in range(4)]))
    assert four.status_code == 400 and "最多上传 3 张照片" in four.content.decode()
    assert not Report.objects.exists() and not ReportPhoto.objects.exists() and not sms.messages


def test_a_photo_shows_on_the_status_page_only_once_staff_chose_it(client, login, cast, codes, sms):
    report = submit_report(client, codes["deputy"], sms, photos=[png("a.png"), png("b.png")])
    first, second = report.photos.all()
    public = reverse("residents_public:photo", args=[report.status_token, first.token])
    assert client.get(public).status_code == 404
    staff = login(cast.dongshan_staff)
    staff.post(reverse("residents:action", args=[report.pk, "moderate"]),
               {"public_reply": "", "public_photos": [first.pk]})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.is_public and not second.is_public
    client.logout()
    status = client.get(report.status_url()).content.decode()
    assert public in status and second.token not in status
    response = client.get(public)
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    # Guessing: the other photo, another report's token, a photo id.
    other = submit_report(client, codes["station"], sms, phone="13700000001")
    for url in (reverse("residents_public:photo", args=[report.status_token, second.token]),
                reverse("residents_public:photo", args=[other.status_token, first.token]),
                f"/q/s/{report.status_token}/photo/{first.pk}/"):
        assert client.get(url).status_code == 404, url


def test_the_retention_purge_erases_photos_and_their_files(client, cast, codes, sms):
    import datetime

    from django.utils import timezone

    from residents.services import reports_purge_personal

    report = submit_report(client, codes["deputy"], sms, photos=[png()])
    path = report.photos.get().file.path
    Report.objects.filter(pk=report.pk).update(state="answered", closed_at=timezone.now() - datetime.timedelta(days=2000))
    assert reports_purge_personal() == 1
    import os

    assert not ReportPhoto.objects.exists() and not os.path.exists(path)
    assert reports_purge_personal() == 0
