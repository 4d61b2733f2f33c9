"""Reception-day problems become opinion items through the petitions workflow; items link to activities."""

import datetime

import pytest
from django.urls import reverse

from activities.choices import ActivityKind
from activities.models import ReceptionProblem
from activities.selectors import reception_counts
from areas.models import Area
from deputies.models import DeputyHome
from petitions.choices import Source, State
from petitions.models import ItemEvent
from tests.access import ViewAccessCases
from tests.petitions.helpers import new_item

from .factories import activity_with

pytestmark = pytest.mark.django_db


def reception_with_problem(cast):
    home = DeputyHome.objects.create(name="周庄社区代表联络站", area=Area.objects.get(name="周庄社区"))
    activity = activity_with(cast.deputy.deputy, kind=ActivityKind.RECEPTION, title="3月接待选民日",
                             date=datetime.date(2026, 3, 5), home=home)
    problem = ReceptionProblem.objects.create(activity=activity, deputy=cast.deputy.deputy, voter_name="王大爷",
                                              description="小区路灯损坏,夜间出行不便", category="urban")
    return activity, problem


class TestProblemToItemAccess(ViewAccessCases):
    method = "post"
    allowed = ("staff", "dongshan_staff")
    out_of_scope = ("renwei_staff",)
    forbidden = ("deputy", "leader", "zhujian")

    def url(self, cast):
        activity, problem = reception_with_problem(cast)
        return reverse("activities:problem_to_item", args=[activity.pk, problem.pk])


class TestLinkItemAccess(ViewAccessCases):
    method = "post"
    allowed = ("staff",)
    out_of_scope = ("renwei_staff",)
    forbidden = ("deputy", "leader")

    def url(self, cast):
        return reverse("activities:link_item", args=[activity_with(cast.deputy.deputy).pk])

    def data(self, cast):
        return {"item": new_item(cast).number}


def test_it_turns_a_problem_into_a_submitted_item_on_the_deputys_behalf_in_one_step(login, cast):
    activity, problem = reception_with_problem(cast)
    response = login(cast.dongshan_staff).post(reverse("activities:problem_to_item", args=[activity.pk, problem.pk]),
                                               follow=True)
    problem.refresh_from_db()
    item = problem.item
    assert item is not None and "已代刘芳提交社情民意" in response.content.decode()
    assert (item.deputy, item.state, item.source, item.on_behalf) == (cast.deputy.deputy, State.SUBMITTED,
                                                                       Source.RECEPTION, True)
    assert item.area.name == "东山街道" and item.community.name == "周庄社区"
    assert item.period == datetime.date(2026, 3, 1)
    assert list(activity.items.all()) == [item]
    # The workflow wrote the timeline: created on behalf, then submitted.
    assert list(ItemEvent.objects.filter(item=item).values_list("to_state", flat=True)) == ["draft", State.SUBMITTED]


def test_it_refuses_to_turn_the_same_problem_twice(login, cast):
    activity, problem = reception_with_problem(cast)
    client = login(cast.staff)
    client.post(reverse("activities:problem_to_item", args=[activity.pk, problem.pk]))
    response = client.post(reverse("activities:problem_to_item", args=[activity.pk, problem.pk]), follow=True)
    assert "已转为社情民意" in response.content.decode()
    assert ReceptionProblem.objects.filter(item__isnull=False).count() == 1


def test_it_counts_a_problem_solved_when_its_item_is_concluded(cast):
    from petitions import workflow

    activity, problem = reception_with_problem(cast)
    from activities.links import reception_problem_to_item

    item = reception_problem_to_item(problem=problem, actor=cast.staff)
    assert reception_counts(activity) == {"raised": 1, "solved": 0}
    item = workflow.item_start_research(item=item, actor=cast.staff)
    workflow.item_answer_directly(item=item, actor=cast.staff, reply="已通知物业当日修复。")
    item.refresh_from_db()
    if item.state != State.CLOSED:  # a direct answer goes to evaluation first
        workflow.item_evaluate(item=item, actor=cast.deputy, satisfaction="satisfied")
    assert reception_counts(activity) == {"raised": 1, "solved": 1}


def test_it_links_an_item_by_its_number_and_says_so_in_chinese_when_unknown(login, cast):
    activity = activity_with(cast.deputy.deputy)
    item = new_item(cast)
    client = login(cast.staff)
    client.post(reverse("activities:link_item", args=[activity.pk]), {"item": item.number})
    assert list(activity.items.all()) == [item]
    response = client.post(reverse("activities:link_item", args=[activity.pk]), {"item": "SQ2026-999999"}, follow=True)
    assert "找不到该社情民意" in response.content.decode()
    response = client.get(reverse("activities:detail", args=[activity.pk]))
    assert item.number in response.content.decode()


def test_it_links_an_item_to_its_page_and_fails_loudly_on_a_wrong_url_name(cast, monkeypatch):
    from django.urls import NoReverseMatch

    from activities import links

    item = new_item(cast)
    assert links.item_url(item) == reverse("petitions:detail", args=[item.pk])
    monkeypatch.setattr(links, "reverse", lambda name, args=None: reverse("petitions:no_such_page", args=args))
    with pytest.raises(NoReverseMatch):  # not a quiet "#"
        links.item_url(item)
