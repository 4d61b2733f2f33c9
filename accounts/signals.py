"""Signals of accounts that other apps (the security audit log) may subscribe to.

``password_changed(sender=User, user=..., by_staff=bool)``: sent after commit when a password was changed
by its owner (``by_staff=False``) or set by staff/an admin (``by_staff=True``)."""

from django.dispatch import Signal

password_changed = Signal()
