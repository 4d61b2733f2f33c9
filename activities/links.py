"""The seam between activities and opinion items (社情民意, the petitions app).

Reception-day problems become items only through `petitions.workflow.item_create` (one door per
state change: this module never writes `Item.state`)."""

from __future__ import annotations

import re

from django import forms
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.forms import SafeFormMixin

from .models import Activity, ReceptionProblem


def items_enabled() -> bool:
    return True


def problem_solved_q(prefix: str = "") -> Q:
    """Solved = solved on the spot (当场解决), or turned into an item that is now concluded (已办结)."""
    from petitions.choices import State

    return Q(**{f"{prefix}solved_on_site": True}) | Q(**{f"{prefix}item__state": State.CLOSED})


def item_url(item) -> str:
    return reverse("petitions:detail", args=[item.pk])


def items_of(activity, user) -> list[dict]:
    from petitions.models import Item

    items = Item.objects.visible_to(user).filter(activities=activity).select_related("deputy").order_by("id")
    return [{"url": item_url(i), "label": f"{i.number} {i.title}", "state": i.get_state_display(),
             "deputy": i.deputy.name} for i in items]


def problems_with_items(activity):
    problems = list(ReceptionProblem.objects.filter(activity=activity).select_related("deputy", "item").order_by("id"))
    for p in problems:
        if p.item_id:
            p.item_url, p.item_label = item_url(p.item), p.item.number
    return problems


_NUMBER = re.compile(r"^(?:SQ\d{4}-)?0*(\d+)$", re.IGNORECASE)


class LinkItemForm(SafeFormMixin, forms.Form):
    item = forms.CharField(label=_("事项编号"), max_length=20,
                           widget=forms.TextInput(attrs={"placeholder": _("如 SQ2026-000123"),
                                                         "class": "form-control form-control-sm"}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_item(self):
        from petitions.models import Item

        match = _NUMBER.match(self.cleaned_data["item"].strip())
        item = None
        if match and self.user is not None:
            item = Item.objects.visible_to(self.user).collected().filter(pk=int(match.group(1))).first()
        if item is None:
            raise forms.ValidationError(_("找不到该社情民意(请填写已提交的事项编号,如 SQ2026-000123)。"))
        return item


def link_form(activity):
    return LinkItemForm()


@transaction.atomic
def activity_link_item(*, activity: Activity, actor, item) -> None:
    """Record that an item came out of an activity (形成的社情民意)."""
    activity.items.add(item)


@transaction.atomic
def activity_unlink_item(*, activity: Activity, actor, item) -> None:
    activity.items.remove(item)


@transaction.atomic
def reception_problem_to_item(*, problem: ReceptionProblem, actor):
    """Turn a voter's problem into an opinion item in one step: created and submitted on the
    receiving deputy's behalf (代为录入) through the petitions workflow, linked back to the problem
    and to the reception day. Raises `petitions.workflow.WorkflowError` when refused."""
    from areas.choices import AreaKind
    from petitions import workflow
    from petitions.choices import Category, Source
    from petitions.models import first_of_month

    problem = ReceptionProblem.objects.select_for_update(of=("self",)).select_related(
        "activity__home__area", "deputy").get(pk=problem.pk)
    if problem.item_id:
        raise workflow.WorkflowError(_("该问题已转为社情民意。"))
    activity = problem.activity
    place = activity.home.area if activity.home_id else activity.organiser_area
    area = place.town() if place else None
    community = place if place and place.kind in (AreaKind.COMMUNITY, AreaKind.VILLAGE) else None
    voter = "、".join(x for x in (problem.voter_name, problem.voter_contact) if x)
    content = problem.description
    if voter:
        content += "\n\n" + _("(反映人:%(voter)s)") % {"voter": voter}
    day = activity.date
    content += "\n" + _("(来源:%(date)s %(title)s)") % {
        "date": _("%(year)04d年%(month)02d月%(day)02d日") % {"year": day.year, "month": day.month, "day": day.day},
        "title": activity.title}
    data = {
        "title": _short_title(problem.description), "content": content, "source": Source.RECEPTION,
        "category": problem.category or Category.OTHER,
        "area": area, "community": community, "address": activity.home.address if activity.home_id else "",
        "period": first_of_month(activity.date),
    }
    item = workflow.item_create(actor=actor, deputy=problem.deputy, data=data, submit=True)
    if item is None:
        raise workflow.WorkflowError(_("社情民意办理流程尚未启用,暂不能转为社情民意。"))
    problem.item = item
    problem.save(update_fields=["item"])
    activity.items.add(item)
    return item


def _short_title(text: str) -> str:
    first = text.strip().splitlines()[0] if text.strip() else ""
    return first[:60] + ("…" if len(first) > 60 else "")
