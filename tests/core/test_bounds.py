"""Bad input is a Chinese message, never a 500 (issue 17, defects 1 and 8): control characters cleaned on
input, numbers and dates within sensible bounds (core.forms.SafeFormMixin), NUL stripped from every query
parameter (core.middleware), no OverflowError from a due date such as 9999-12-31."""

import datetime

import pytest
from django.urls import reverse

from activities.choices import ActivityKind
from activities.models import Activity
from areas.models import Area
from assessments.models import GradeLevel
from core import workdays
from deputies.models import Deputy
from petitions.choices import State
from petitions.models import Assignment, HandlingRequest, Item
from tests.petitions.helpers import item_data, make, with_request

pytestmark = pytest.mark.django_db


def activity(**extra):
    return {"kind": ActivityKind.TRAINING, "title": "初任代表培训", "date": "2026-04-02",
            "organiser_area": Area.objects.get(name="东山街道").pk, **extra}


def test_it_refuses_a_voter_count_past_any_real_one_in_chinese_and_keeps_it(login, cast):
    response = login(cast.staff).post(reverse("activities:create"), activity(voters_received="2147483648"))
    body = response.content.decode()
    assert response.status_code == 200 and "确保该值小于或等于" in body and 'value="2147483648"' in body
    assert not Activity.objects.exists()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_it_refuses_an_activity_date_out_of_range(login, cast, day):
    response = login(cast.staff).post(reverse("activities:create"), activity(date=day))
    body = response.content.decode()
    assert response.status_code == 200 and ("日期不能早于" in body or "日期不能晚于" in body)
    assert not Activity.objects.exists()


def test_it_answers_a_search_with_a_nul_byte(login, cast):
    response = login(cast.staff).get("/activities/?q=%00培训")
    assert response.status_code == 200
    assert login(cast.staff).get("/items/?q=%00&title=%00").status_code == 200


def test_it_refuses_a_month_far_in_the_future(login, cast):
    data = {**item_data(), "area": cast.dongshan_staff.area.pk, "source": "visit", "period": "9999-12"}
    response = login(cast.deputy).post(reverse("petitions:create"), data)
    assert response.status_code == 200 and "日期不能晚于" in response.content.decode()
    assert not Item.objects.exists()


def test_it_cleans_control_characters_typed_into_a_form(login, cast):
    data = {**item_data(title="路灯\x0b不亮\x01", content="第一行\x0b第二行"),
            "area": cast.dongshan_staff.area.pk, "source": "visit"}
    assert login(cast.deputy).post(reverse("petitions:create"), data).status_code == 302
    item = Item.objects.get()
    assert (item.title, item.content) == ("路灯 不亮", "第一行\n第二行")


def test_it_refuses_a_birth_date_in_the_future(login, cast):
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    response = login(cast.staff).post(reverse("deputies:create"), {
        "p-name": "钱进", "p-gender": "M", "p-ethnicity": "汉族", "p-birth_date": f"{tomorrow:%Y-%m-%d}"})
    assert response.status_code == 200 and "日期不能晚于" in response.content.decode()
    assert not Deputy.objects.filter(name="钱进").exists()


def test_it_refuses_a_negative_grade_minimum(login, cast):
    response = login(cast.staff).post(reverse("assessments:grade_create"),
                                      {"name": "负分等次", "min_score": "-5", "sort": "9"})
    assert response.status_code == 200 and "确保该值大于或等于" in response.content.decode()
    assert not GradeLevel.objects.filter(name="负分等次").exists()


def test_it_refuses_a_handling_due_date_years_ahead(login, cast):
    item = make(cast, State.RESEARCH)
    response = login(cast.staff).post(reverse("petitions:action", args=[item.pk, "assign"]), {
        "lead_unit": cast.zhujian.unit.pk, "due_date": "9999-12-31"}, follow=True)
    assert response.status_code == 200 and "日期不能晚于" in response.content.decode()
    assert Item.objects.get(pk=item.pk).state == State.RESEARCH


def test_it_answers_an_extension_of_an_item_due_9999_12_31_with_a_message(login, cast):
    item, req = with_request(cast, "extension")
    Assignment.objects.filter(item=item).update(due_date=datetime.date(9999, 12, 31))
    Item.objects.filter(pk=item.pk).update(stage_due=datetime.date(9999, 12, 31))
    response = login(cast.staff).post(reverse("petitions:action", args=[item.pk, "decide_extension"]),
                                      {"request": req.pk, "approve": "1", "days": "5"}, follow=True)
    assert response.status_code == 200 and "无法延期" in response.content.decode()
    assert HandlingRequest.objects.get(pk=req.pk).status == req.status


def test_add_workdays_raises_a_value_error_past_the_last_date():
    with pytest.raises(ValueError):
        workdays.add_workdays(datetime.date(9999, 12, 31), 5)
    assert workdays.add_workdays(datetime.date(2026, 12, 4), 1) == datetime.date(2026, 12, 7)
