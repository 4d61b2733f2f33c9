"""`{% workday_fallback_mark day %}`: beside a due date in a year whose holidays nobody entered and the
package does not know, say that it was counted Monday–Friday (暂按周一至周五计算)."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core.workdays import calendar_known

register = template.Library()


@register.simple_tag
def workday_fallback_mark(day):
    if not day or calendar_known(day.year):
        return ""
    return format_html('<span class="badge text-bg-warning fw-normal" data-testid="workday-fallback" title="{}">{}</span>',
                       _("%(year)s 年的节假日安排尚未录入") % {"year": day.year}, _("暂按周一至周五计算"))
