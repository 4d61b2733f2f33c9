"""Photos on progress reports and inspections: at most 3 images, content-checked like the residents'
photos (residents.forms.PhotoField on petitions.files), stored privately, served only to those who see
the project; a progress photo on the public page only once staff marked it public."""

import datetime
import re
import secrets

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects import services
from projects.models import InspectionPhoto, ProgressPhoto, ProgressReport
from tests.access import ViewAccessCases

from .helpers import project_of
from .test_supervision import group

pytestmark = pytest.mark.django_db

# A 1x1 PNG: real image content for the checks (the bytes the petitions and residents tests use).
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png(name="site.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def _ip():
    return f"10.15.{secrets.randbelow(250)}.{secrets.randbelow(250)}"


def report_with_photos(cast, n=2) -> ProgressReport:
    from django import forms  # noqa: F401 - the form sets the sniffed type, as a page upload does

    from projects.forms import ProgressForm

    form = ProgressForm({"reported_on": "2026-11-20", "percent": "40", "text": "管网铺设过半"},
                        {"photos": [png(f"p{i}.png") for i in range(n)]})
    assert form.is_valid(), form.errors
    return services.project_report(project=project_of(cast), actor=cast.zhujian, **form.cleaned_data)


def progress_url(cast):
    return reverse("projects:progress", args=[project_of(cast).pk])


def test_the_unit_reports_progress_with_up_to_three_photos_stored_privately(cast, login, settings):
    response = login(cast.zhujian).post(progress_url(cast), {
        "reported_on": "2026-11-20", "percent": "40", "text": "管网铺设过半", "photos": [png("a.png"), png("b.png")]})
    assert response.status_code == 302
    photos = list(ProgressPhoto.objects.all())
    assert len(photos) == 2 and all(p.content_type == "image/png" and not p.is_public for p in photos)
    for p in photos:
        assert re.fullmatch(r"projects/\d{4}/\d{2}/[0-9a-f]{32}\.png", p.file.name)
        assert str(settings.MEDIA_ROOT) in p.file.path
    html = login(cast.deputy).get(project_of(cast).get_absolute_url()).content.decode()
    assert html.count(reverse("projects:photo", args=["report", photos[0].pk])) == 2  # link and thumbnail


def test_a_fourth_photo_or_a_fake_image_is_refused_keeping_what_was_typed(cast, login):
    client = login(cast.zhujian)
    data = {"reported_on": "2026-11-20", "percent": "40", "text": "管网铺设过半"}
    response = client.post(progress_url(cast), {**data, "photos": [png(f"{i}.png") for i in range(4)]})
    html = response.content.decode()
    assert response.status_code == 200 and "最多上传 3 张照片" in html and "管网铺设过半" in html
    fake = SimpleUploadedFile("evil.png", b"<script>alert(1)</script>", content_type="image/png")
    response = client.post(progress_url(cast), {**data, "photos": [fake]})
    assert response.status_code == 200 and "不是图片、PDF 或 Office 文档" in response.content.decode()
    pdf = SimpleUploadedFile("plan.png", PDF, content_type="image/png")
    response = client.post(progress_url(cast), {**data, "photos": [pdf]})
    assert response.status_code == 200 and "不是图片,只能上传照片" in response.content.decode()
    assert not ProgressReport.objects.exists() and not ProgressPhoto.objects.exists()
    project = project_of(cast)
    project.refresh_from_db()
    assert project.percent == 0


def test_the_service_refuses_unchecked_or_too_many_uploads(cast):
    with pytest.raises(services.LoopError, match="未通过图片检查"):
        services.project_report(project=project_of(cast), actor=cast.zhujian, percent=10, text="x",
                                reported_on=datetime.date(2026, 11, 20), photos=[png()])
    with pytest.raises(services.LoopError, match="最多上传 3 张照片"):
        services.project_report(project=project_of(cast), actor=cast.zhujian, percent=10, text="x",
                                reported_on=datetime.date(2026, 11, 20), photos=[png() for _ in range(4)])
    assert not ProgressReport.objects.exists()


def test_an_inspection_takes_photos_too_never_public(cast, login):
    url = reverse("projects:project_action", args=[group(cast).pk, "inspect"])
    data = {"inspected_on": "2026-11-20", "place": "周庄社区3号楼", "findings": "路面待修复。"}
    response = login(cast.deputy).post(url, {**data, "photos": [png(f"{i}.png") for i in range(4)]})
    assert response.status_code == 200 and "最多上传 3 张照片" in response.content.decode()
    assert login(cast.deputy).post(url, {**data, "photos": [png()]}).status_code == 302
    photo = InspectionPhoto.objects.get()
    html = login(cast.zhujian).get(project_of(cast).get_absolute_url()).content.decode()
    assert reverse("projects:photo", args=["inspection", photo.pk]) in html
    assert not hasattr(photo, "is_public")


class TestPhotoAccess(ViewAccessCases):
    allowed = ("zhujian", "deputy", "staff", "dongshan_staff", "leader")
    out_of_scope = ("huanbao", "renwei_staff", "renwei_deputy")

    def url(self, cast):
        photo = ProgressPhoto.objects.first() or report_with_photos(cast, 1).photos.get()
        return reverse("projects:photo", args=["report", photo.pk])

    def test_it_serves_the_image_with_nosniff_and_a_strict_csp(self, login, cast):
        response = login(cast.zhujian).get(self.url(cast))
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"].startswith("default-src 'none'")
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")

    def test_a_bad_kind_or_id_is_a_404(self, login, cast):
        self.url(cast)
        client = login(cast.staff)
        assert client.get(reverse("projects:photo", args=["other", ProgressPhoto.objects.get().pk])).status_code == 404
        assert client.get(reverse("projects:photo", args=["inspection", ProgressPhoto.objects.get().pk])).status_code == 404
        assert client.get(reverse("projects:photo", args=["report", 999999])).status_code == 404


class TestPublishPhotos(ViewAccessCases):
    method = "post"
    allowed = ("dongshan_staff",)
    out_of_scope = ("renwei_staff",)
    forbidden = ("zhujian", "deputy", "leader")

    def url(self, cast):
        if not ProgressPhoto.objects.exists():
            report_with_photos(cast, 2)
        return reverse("projects:project_action", args=[project_of(cast).pk, "publish_photos"])

    def data(self, cast):
        return {"public_photos": [ProgressPhoto.objects.order_by("pk").first().pk]}

    def test_it_works_in_scope(self, login, cast, client, settings):
        settings.PUBLIC_RATE_LIMIT = 1000
        rnd = project_of(cast).candidate.round
        public = reverse("projects:public", args=[rnd.public_token])
        self.url(cast)
        first, second = ProgressPhoto.objects.order_by("pk")
        html = client.get(public, REMOTE_ADDR=_ip()).content.decode()
        assert 'data-testid="public-photos"' not in html and first.token not in html and second.token not in html
        assert client.get(reverse("projects:public_photo", args=[rnd.public_token, first.token]),
                          REMOTE_ADDR=_ip()).status_code == 404
        assert login(cast.dongshan_staff).post(self.url(cast), self.data(cast)).status_code == 302
        first.refresh_from_db()
        assert first.is_public and not ProgressPhoto.objects.get(pk=second.pk).is_public
        client.logout()
        html = client.get(public, REMOTE_ADDR=_ip()).content.decode()
        assert first.token in html and second.token not in html
        response = client.get(reverse("projects:public_photo", args=[rnd.public_token, first.token]), REMOTE_ADDR=_ip())
        assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
        for token, photo in ((rnd.public_token, second.token), (secrets.token_urlsafe(18), first.token),
                             (rnd.public_token, str(first.pk))):
            assert client.get(reverse("projects:public_photo", args=[token, photo]), REMOTE_ADDR=_ip()).status_code == 404

    def test_a_photo_of_another_project_is_refused(self, login, cast):
        self.url(cast)
        response = login(cast.dongshan_staff).post(self.url(cast), {"public_photos": ["999999"]})
        assert response.status_code == 200 and "所选照片不属于本项目" in response.content.decode()
        assert not ProgressPhoto.objects.filter(is_public=True).exists()
