"""Staged uploads: a file kept on the server between an import's dry run and its confirmation.

The roster import (deputies) and the ledger import (ledger) both show a dry run first and apply the file
only when the person confirms. The file stays on the server under a random token and the token is
remembered in the uploader's session, so the confirmation re-reads exactly the file that was checked,
never trusts data posted back by the browser, and no other user (another session) can confirm it. Files
older than `MAX_AGE` are swept whenever a new one is staged.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path

MAX_AGE = 24 * 3600  # seconds a staged file is kept
SUFFIXES = (".xlsx", ".csv", ".xls")
_TOKEN_CHARS = set("0123456789abcdef")


def _directory(kind: str) -> Path:
    from django.conf import settings

    path = Path(settings.MEDIA_ROOT) / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


def _path(kind: str, token: str) -> Path | None:
    if len(token or "") != 32 or not set(token) <= _TOKEN_CHARS:
        return None
    matches = list(_directory(kind).glob(f"{token}.*"))
    return matches[0] if matches else None


def upload_sweep(*, kind: str, max_age: int = MAX_AGE) -> int:
    """Delete the staged files of `kind` older than `max_age` seconds; returns how many."""
    cutoff = time.time() - max_age
    swept = 0
    for old in _directory(kind).iterdir():
        if old.is_file() and old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
            swept += 1
    return swept


def upload_stage(*, kind: str, data: bytes, filename: str) -> str:
    """Store an uploaded file under a new random token (sweeping old ones first); returns the token."""
    upload_sweep(kind=kind)
    token = secrets.token_hex(16)
    suffix = Path(filename).suffix.lower()
    suffix = suffix if suffix in SUFFIXES else ".bin"
    (_directory(kind) / f"{token}{suffix}").write_bytes(data)
    return token


def upload_load(*, kind: str, token: str) -> tuple[bytes, str] | None:
    """The staged file's bytes and stored name, or None when it does not exist (any more)."""
    path = _path(kind, token)
    if path is None:
        return None
    return path.read_bytes(), path.name


def upload_discard(*, kind: str, token: str) -> None:
    path = _path(kind, token)
    if path is not None:
        path.unlink(missing_ok=True)


# ----------------------------------------------------------------------------- the session side
# The session holds {token: info} per kind (info: what the view needs again, e.g. the file name and
# options chosen at the dry run); only the last few uploads are remembered.

KEEP = 5


def session_remember(request, *, key: str, token: str, info) -> None:
    staged = request.session.get(key, {})
    staged[token] = info
    request.session[key] = dict(list(staged.items())[-KEEP:])


def session_recall(request, *, key: str, token: str):
    """The info remembered for `token` in this session, or None for a token this session did not stage."""
    return request.session.get(key, {}).get(token)


def session_forget(request, *, key: str, token: str) -> None:
    staged = request.session.get(key, {})
    staged.pop(token, None)
    request.session[key] = staged
