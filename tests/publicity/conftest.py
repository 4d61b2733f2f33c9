"""Helpers of the publicity tests: pieces recorded through the service, uploads by content."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from publicity import services
from tests.petitions.helpers import PDF, PNG


@pytest.fixture(autouse=True)
def media(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        yield


def png(name="版面.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def pdf(name="稿件.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def docx(name="稿件.docx"):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="application/pdf")  # the name and type lie


def piece_of(cast, actor=None, **fields):
    """A piece by 刘芳 (东山街道), recorded by the district staff unless told otherwise."""
    data = {"title": "关于老旧小区改造的报道", "date": datetime.date(2026, 8, 10), "medium": "安徽日报",
            "level": "provincial", "adopted": True}
    if "deputy" not in fields and "author" not in fields and "group" not in fields:
        data["deputy"] = cast.deputy.deputy
    data.update(fields)
    return services.piece_create(actor=actor or cast.staff, **data)


def form_data(**extra):
    data = {"title": "关于代表接待选民日的报道", "author": "", "date": "2026-09-01", "medium": "淮北日报",
            "level": "city", "adopted": "on", "award": "", "link": ""}
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}
