import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from tests.access import ViewAccessCases
from tests.petitions.helpers import PNG

from .factories import activity_with

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        yield


def with_photo(cast):
    activity = activity_with(cast.deputy.deputy)
    from activities.services import activity_photo_add

    photo = activity_photo_add(activity=activity, actor=cast.staff, file=SimpleUploadedFile("a.png", PNG), caption="现场")
    return activity, photo


class TestPhotoAccess(ViewAccessCases):
    allowed = ("staff", "dongshan_staff", "deputy")
    out_of_scope = ("renwei_staff", "renwei_deputy", "zhujian")

    def url(self, cast):
        activity, photo = with_photo(cast)
        return reverse("activities:photo", args=[activity.pk, photo.pk])


def test_it_uploads_a_photo_and_serves_it_only_through_the_scoped_view(login, cast):
    activity = activity_with(cast.deputy.deputy)
    client = login(cast.dongshan_staff)
    client.post(reverse("activities:photo_add", args=[activity.pk]),
                {"file": SimpleUploadedFile("现场.png", PNG, content_type="image/png"), "caption": "调研现场"})
    photo = activity.photos.get()
    response = client.get(reverse("activities:photo", args=[activity.pk, photo.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG


def test_it_refuses_a_file_that_is_not_a_picture_in_chinese(login, cast):
    activity = activity_with(cast.deputy.deputy)
    response = login(cast.staff).post(reverse("activities:photo_add", args=[activity.pk]),
                                      {"file": SimpleUploadedFile("x.exe", b"MZ")}, follow=True)
    assert "只能上传图片" in response.content.decode()
    assert not activity.photos.exists()


def test_it_refuses_a_document_renamed_to_jpg(login, cast):
    activity = activity_with(cast.deputy.deputy)
    response = login(cast.staff).post(reverse("activities:photo_add", args=[activity.pk]),
                                      {"file": SimpleUploadedFile("照片.jpg", b"%PDF-1.4 not a picture")}, follow=True)
    assert "不是图片" in response.content.decode()
    assert not activity.photos.exists()
