"""Model bases shared by the apps."""

from __future__ import annotations

from django.db import models


class SingletonSettings(models.Model):
    """A settings table of exactly one row (pk 1), read at call time through `load()`: the loops'
    办理时限设置 (opinion items, suggestions) are edited by staff, never copied into constants."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj
