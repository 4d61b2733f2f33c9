"""What every form of the project shares: clean text in, numbers and dates within sensible bounds.

`SafeFormMixin` goes first in the bases of every form (``class ItemForm(SafeFormMixin, forms.ModelForm)``):
- text typed or pasted into a CharField loses its control characters (`core.text.clean_text`) before the
  field sees it, so nothing stored can break an export later (openpyxl refuses them) — what the person
  typed is otherwise kept, also when the form is shown again;
- an integer field without bounds gets the database's (PostgreSQL ``integer``), a date field without
  bounds 1900-01-01 … 2100-12-31: past them a value is a typing error, and unchecked it is a 500
  (DataError, OverflowError) instead of a message. Fields with their own, narrower bounds keep them
  (`DateWithin`, ``min_value``/``max_value``).
"""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from core.text import clean_text

INT_MIN, INT_MAX = -2_147_483_648, 2_147_483_647
DATE_MIN, DATE_MAX = datetime.date(1900, 1, 1), datetime.date(2100, 12, 31)
# The first day an item, an activity or a record of the platform can be about (the ledger's oldest rows).
EARLIEST_WORK_DATE = datetime.date(2000, 1, 1)


def years_from_today(years: int):
    """A bound for `DateWithin`: today moved by `years` (negative: back), computed when checked."""

    def bound():
        today = timezone.localdate()
        try:
            return today.replace(year=today.year + years)
        except ValueError:  # 29 February
            return today.replace(year=today.year + years, day=28)

    return bound


def today():
    return timezone.localdate()


@deconstructible
class DateWithin:
    """A validator: a date from `earliest` to `latest` (dates, or callables giving one when checked)."""

    def __init__(self, earliest=None, latest=None):
        self.earliest, self.latest = earliest, latest

    @staticmethod
    def _value(bound):
        return bound() if callable(bound) else bound

    def __call__(self, value):
        if value is None:
            return
        day = value.date() if isinstance(value, datetime.datetime) else value
        earliest, latest = self._value(self.earliest), self._value(self.latest)
        if earliest is not None and day < earliest:
            raise ValidationError(_("日期不能早于 %(date)s。"), code="date_too_early",
                                  params={"date": f"{earliest:%Y-%m-%d}"})
        if latest is not None and day > latest:
            raise ValidationError(_("日期不能晚于 %(date)s。"), code="date_too_late",
                                  params={"date": f"{latest:%Y-%m-%d}"})

    def __eq__(self, other):
        return isinstance(other, DateWithin) and (self.earliest, self.latest) == (other.earliest, other.latest)


def _has(field, kind) -> bool:
    return any(isinstance(v, kind) for v in field.validators)


class SafeFormMixin:
    """Clean text and bounded numbers and dates for every form (see the module docstring)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.IntegerField) and not isinstance(field, forms.DecimalField | forms.FloatField):
                if not _has(field, MinValueValidator):
                    field.validators.append(MinValueValidator(INT_MIN))
                if not _has(field, MaxValueValidator):
                    field.validators.append(MaxValueValidator(INT_MAX))
            elif isinstance(field, forms.DateField) and not _has(field, DateWithin):
                field.validators.append(DateWithin(DATE_MIN, DATE_MAX))
        if self.is_bound:
            self.data = self._cleaned_text(self.data)

    def _cleaned_text(self, data):
        data = data.copy()  # a QueryDict copy is mutable
        for name, field in self.fields.items():
            if not isinstance(field, forms.CharField):
                continue
            key = self.add_prefix(name)
            if key not in data:
                continue
            single_line = not isinstance(field.widget, forms.Textarea)
            if hasattr(data, "setlist"):
                data.setlist(key, [clean_text(v, single_line=single_line) for v in data.getlist(key)])
            else:
                data[key] = clean_text(data[key], single_line=single_line)
        return data
