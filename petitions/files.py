"""Attachment checks: the content decides the type (filetype sniffs the first bytes), not the name."""

from __future__ import annotations

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# Images, PDF and Office documents (DOMAIN.md: photos, PDF; the issue adds Office).
ALLOWED_MIMES = {
    "image/jpeg", "image/png", "image/gif", "image/webp", "image/heic", "image/bmp",
    "application/pdf",
    "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
MAX_FILES = 10
NAME_MAX = 200  # Attachment.name's max_length
EXT_MAX = 16


def short_name(name: str, limit: int = NAME_MAX) -> str:
    """`name` in at most `limit` characters, the stem shortened so that the extension survives
    (一份很长的名字….docx stays a .docx); control characters removed."""
    from core.text import clean_text

    name = clean_text(name or "", single_line=True).strip() or "file"
    if len(name) <= limit:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext) > EXT_MAX:
        return name[:limit]
    return stem[:limit - len(ext) - 1] + "." + ext


def sniff(uploaded) -> str | None:
    """The MIME type the content shows, or None when it is none we know."""
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(0)
    kind = filetype.guess(head)
    return kind.mime if kind else None


def validate_attachment(uploaded) -> None:
    """Raise ValidationError unless the upload is an allowed type (by content) within the size limit;
    on success remember the sniffed type on the file object for storing."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if uploaded.size > limit:
        raise ValidationError(_("文件“%(name)s”超过大小限制(%(limit)s)。"),
                              params={"name": uploaded.name, "limit": filesizeformat(limit)})
    if uploaded.size == 0:
        raise ValidationError(_("文件“%(name)s”是空文件。"), params={"name": uploaded.name})
    mime = sniff(uploaded)
    if mime not in ALLOWED_MIMES:
        raise ValidationError(_("文件“%(name)s”的内容不是图片、PDF 或 Office 文档,不能上传。"),
                              params={"name": uploaded.name})
    uploaded.xs_content_type = mime
    uploaded.name = short_name(uploaded.name)  # the stored name keeps its extension
