"""代为评价: staff record the evaluation of a deputy who has no login (many never log in)."""

import pytest
from django.urls import reverse

from deputies.models import Deputy
from petitions import workflow
from petitions.choices import Satisfaction, State
from petitions.models import Item

from .helpers import make

pytestmark = pytest.mark.django_db


def awaiting_evaluation_without_login(cast):
    item = make(cast, State.EVALUATION)
    Deputy.objects.filter(pk=cast.deputy.deputy.pk).update(user=None)
    return Item.objects.get(pk=item.pk)


def test_it_lets_staff_record_the_evaluation_of_a_deputy_without_a_login(cast):
    item = awaiting_evaluation_without_login(cast)
    item = workflow.item_evaluate(item=item, actor=cast.dongshan_staff, satisfaction=Satisfaction.BASIC,
                                  comment="电话回访,代表表示基本满意")
    assert item.state == State.CLOSED and item.satisfaction == Satisfaction.BASIC
    assert not item.satisfaction_deemed
    event = item.events.latest("id")
    assert event.actor == cast.dongshan_staff and event.data["on_behalf"] is True
    assert "代为录入" in event.comment and "电话回访" in event.comment


def test_it_refuses_staff_evaluating_for_a_deputy_who_can_log_in(cast):
    item = make(cast, State.EVALUATION)
    with pytest.raises(workflow.NotAllowed):
        workflow.item_evaluate(item=item, actor=cast.staff, satisfaction=Satisfaction.SATISFIED)
    assert Item.objects.get(pk=item.pk).state == State.EVALUATION


def test_it_refuses_staff_of_another_area(cast):
    item = awaiting_evaluation_without_login(cast)
    with pytest.raises(workflow.NotAllowed):
        workflow.item_evaluate(item=item, actor=cast.renwei_staff, satisfaction=Satisfaction.SATISFIED)


def test_it_shows_the_proxy_form_on_the_item_page_and_takes_the_post(login, cast):
    item = awaiting_evaluation_without_login(cast)
    client = login(cast.dongshan_staff)
    page = client.get(item.get_absolute_url()).content.decode()
    assert 'data-testid="proxy-hint"' in page
    response = client.post(reverse("petitions:action", args=[item.pk, "evaluate"]),
                           {"satisfaction": Satisfaction.SATISFIED, "comment": "上门回访"})
    assert response.status_code == 302
    assert Item.objects.get(pk=item.pk).state == State.CLOSED


def test_it_answers_403_when_staff_post_an_evaluation_for_a_deputy_with_a_login(login, cast):
    item = make(cast, State.EVALUATION)
    response = login(cast.staff).post(reverse("petitions:action", args=[item.pk, "evaluate"]),
                                      {"satisfaction": Satisfaction.SATISFIED})
    assert response.status_code == 403
    assert Item.objects.get(pk=item.pk).state == State.EVALUATION
