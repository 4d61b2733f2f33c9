from decimal import Decimal

import pytest
from django.urls import reverse

from areas.models import Area
from assessments import services
from assessments.models import Assessment, AssessmentScore
from tests.access import ViewAccessCases

from . import fixtures
from .fixtures import YEAR

pytestmark = pytest.mark.django_db


def computed(cast, publish=False):
    from assessments.models import Assessment

    existing = Assessment.objects.filter(year=YEAR).first()
    if existing is not None:  # the access cases build the URL once per persona
        return existing
    fixtures.rules()
    fixtures.records(cast)
    assessment = services.assessment_compute(year=YEAR, actor=cast.staff)
    if publish:
        services.assessment_publish(assessment=assessment, actor=cast.staff)
    return assessment


def score(cast, user, publish=True):
    return AssessmentScore.objects.get(assessment=computed(cast, publish), deputy=user.deputy)


class TestIndexAccess(ViewAccessCases):
    allowed = ("staff", "dongshan_staff", "deputy", "group_leader", "leader")
    forbidden = ("zhujian",)

    def url(self, cast):
        return reverse("assessments:index")


class TestDetailAccess(ViewAccessCases):
    allowed = ("staff", "dongshan_staff", "leader")
    forbidden = ("deputy", "group_leader", "zhujian")

    def url(self, cast):
        computed(cast)
        return reverse("assessments:detail", args=[YEAR])


class TestScoreAccess(ViewAccessCases):
    allowed = ("staff", "dongshan_staff", "deputy", "leader")
    out_of_scope = ("renwei_staff", "group_leader", "renwei_deputy", "zhujian")

    def url(self, cast):
        s = score(cast, cast.deputy)
        return reverse("assessments:score", args=[YEAR, s.pk])


class TestPartAccess(ViewAccessCases):
    allowed = ("staff", "dongshan_staff", "deputy")
    out_of_scope = ("renwei_staff", "group_leader")

    def url(self, cast):
        s = score(cast, cast.deputy)
        return reverse("assessments:part", args=[YEAR, s.pk, s.parts.first().pk])


class TestComputeAccess(ViewAccessCases):
    method = "post"
    allowed = ("staff", "admin")
    forbidden = ("dongshan_staff", "deputy", "leader", "zhujian")

    def url(self, cast):
        fixtures.rules()
        return reverse("assessments:compute")

    def data(self, cast):
        return {"year": YEAR}


class TestPublishAccess(ViewAccessCases):
    method = "post"
    allowed = ("staff",)
    forbidden = ("dongshan_staff", "deputy", "leader")

    def url(self, cast):
        computed(cast)
        return reverse("assessments:publish", args=[YEAR])


class TestAdjustAccess(ViewAccessCases):
    method = "post"
    allowed = ("staff",)
    forbidden = ("dongshan_staff", "deputy", "leader")

    def url(self, cast):
        return reverse("assessments:adjust", args=[YEAR, score(cast, cast.deputy, publish=False).pk])

    def data(self, cast):
        return {"delta": "1.5", "reason": "列席常委会会议加分"}


class TestNoticeAccess(ViewAccessCases):
    allowed = ("staff", "dongshan_staff", "leader")
    forbidden = ("deputy", "zhujian")

    def url(self, cast):
        computed(cast, publish=True)
        return reverse("assessments:notice", args=[YEAR])


class TestNoticeOtherAreaAccess(ViewAccessCases):
    allowed = ("staff",)
    out_of_scope = ("dongshan_staff",)

    def url(self, cast):
        computed(cast, publish=True)
        return reverse("assessments:notice", args=[YEAR]) + f"?area={Area.objects.get(name='任圩街道').pk}"


class TestNoticeXlsxAccess(ViewAccessCases):
    allowed = ("staff", "dongshan_staff")
    forbidden = ("deputy",)

    def url(self, cast):
        computed(cast, publish=True)
        return reverse("assessments:notice_xlsx", args=[YEAR])


class TestRulesAccess(ViewAccessCases):
    allowed = ("staff", "dongshan_staff", "leader")
    forbidden = ("deputy", "zhujian")

    def url(self, cast):
        return reverse("assessments:rules")


class TestRuleCreateAccess(ViewAccessCases):
    allowed = ("staff",)
    forbidden = ("dongshan_staff", "leader", "deputy")

    def url(self, cast):
        return reverse("assessments:rule_create")


class TestRulesDefaultsAccess(ViewAccessCases):
    method = "post"
    allowed = ("staff",)
    forbidden = ("dongshan_staff", "leader")

    def url(self, cast):
        return reverse("assessments:rules_defaults")


class TestSupervisionAccess(ViewAccessCases):
    allowed = ("staff", "dongshan_staff", "leader")
    forbidden = ("deputy", "group_leader", "zhujian")

    def url(self, cast):
        return reverse("assessments:supervision") + f"?year={YEAR}&half=1"


class TestRecordAccess(ViewAccessCases):
    allowed = ("staff", "dongshan_staff", "deputy", "leader")
    out_of_scope = ("renwei_staff", "group_leader", "renwei_deputy", "zhujian")

    def url(self, cast):
        return reverse("assessments:record", args=[cast.deputy.deputy.pk])


class TestRecordPrintAccess(TestRecordAccess):
    def url(self, cast):
        return reverse("assessments:record_print", args=[cast.deputy.deputy.pk])


class TestRecordXlsxAccess(TestRecordAccess):
    def url(self, cast):
        return reverse("assessments:record_xlsx", args=[cast.deputy.deputy.pk])


class TestBatchAccess(ViewAccessCases):
    allowed = ("staff", "dongshan_staff")
    out_of_scope = ("renwei_staff",)
    forbidden = ("deputy", "group_leader")

    def url(self, cast):
        return reverse("assessments:records_batch") + f"?area={Area.objects.get(name='东山街道').pk}"


def test_it_shows_every_score_broken_down_by_rule_in_a_fixed_number_of_queries(login, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import MandateFactory

    computed(cast)
    client = login(cast.staff)
    with CaptureQueriesContext(connection) as few:
        response = client.get(reverse("assessments:detail", args=[YEAR]))
    queries_for_few = len(few)  # read now: the next request empties the connection's query log
    body = response.content.decode()
    assert response.status_code == 200
    assert "刘芳" in body and "调研视察" in body and "29" in body
    for _ in range(10):
        MandateFactory()
    services.assessment_compute(year=YEAR, actor=cast.staff)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("assessments:detail", args=[YEAR]))
    assert len(response.context["page_obj"].object_list) == 13
    assert len(many) == queries_for_few <= 20


def test_it_lets_area_staff_see_only_their_area(login, cast):
    computed(cast)
    body = login(cast.dongshan_staff).get(reverse("assessments:detail", args=[YEAR])).content.decode()
    assert "刘芳" in body and "张伟" in body and "赵强" not in body
    body = login(cast.renwei_staff).get(reverse("assessments:detail", args=[YEAR])).content.decode()
    assert "赵强" in body and "刘芳" not in body


def test_it_shows_a_deputy_their_own_score_only_once_published(login, cast):
    assessment = computed(cast)
    client = login(cast.deputy)
    assert list(client.get(reverse("assessments:index")).context["my_scores"]) == []
    own = AssessmentScore.objects.get(assessment=assessment, deputy=cast.deputy.deputy)
    assert client.get(reverse("assessments:score", args=[YEAR, own.pk])).status_code == 404
    services.assessment_publish(assessment=assessment, actor=cast.staff)
    assert [s.pk for s in client.get(reverse("assessments:index")).context["my_scores"]] == [own.pk]
    assert client.get(reverse("assessments:score", args=[YEAR, own.pk])).status_code == 200


def test_it_opens_the_records_behind_a_part(login, cast):
    s = score(cast, cast.deputy, publish=False)
    part = s.parts.get(rule_name="调研视察")
    response = login(cast.staff).get(reverse("assessments:part", args=[YEAR, s.pk, part.pk]))
    assert len(response.context["records"]) == 3


def test_it_adjusts_with_a_reason_and_refuses_bad_input_in_chinese(login, cast):
    s = score(cast, cast.group_leader, publish=False)
    client = login(cast.staff)
    response = client.post(reverse("assessments:adjust", args=[YEAR, s.pk]), {"delta": "abc", "reason": ""}, follow=True)
    assert "请输入一个数字" in response.content.decode() or "这个字段是必填项" in response.content.decode()
    client.post(reverse("assessments:adjust", args=[YEAR, s.pk]), {"delta": "3", "reason": "列席常委会会议"})
    s.refresh_from_db()
    assert s.total == Decimal("5")


def test_it_says_so_when_publishing_twice(login, cast):
    computed(cast, publish=True)
    response = login(cast.staff).post(reverse("assessments:publish", args=[YEAR]), follow=True)
    assert "已经发布" in response.content.decode()


def test_it_refuses_a_bad_year_in_chinese(login, cast):
    response = login(cast.staff).post(reverse("assessments:compute"), {"year": "abc", "top_share_percent": "12"})
    body = response.content.decode()
    # The page again, not a redirect: the error beside what was typed.
    assert response.status_code == 400 and "整数" in body
    assert 'value="abc"' in body and 'value="12"' in body and not Assessment.objects.exists()
    response = login(cast.staff).get(reverse("assessments:supervision") + "?year=x&half=9")
    assert response.status_code == 200


def test_the_notice_lists_grades_and_exports_xlsx(login, cast):
    computed(cast, publish=True)
    client = login(cast.staff)
    body = client.get(reverse("assessments:notice", args=[YEAR])).content.decode()
    assert "通报" in body and "刘芳" in body and "优秀 1 名" in body
    response = client.get(reverse("assessments:notice_xlsx", args=[YEAR]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from openpyxl import load_workbook

    wb = load_workbook(BytesIO(response.content))
    assert "代表考核结果" in wb.sheetnames and wb["代表考核结果"]["B2"].value == "刘芳"


def test_an_area_notice_has_only_that_area(login, cast):
    computed(cast, publish=True)
    body = login(cast.dongshan_staff).get(reverse("assessments:notice", args=[YEAR])).content.decode()
    assert "东山街道" in body and "刘芳" in body and "赵强" not in body


def test_the_supervision_report_counts_per_group_and_area(login, cast):
    fixtures.records(cast)
    response = login(cast.staff).get(reverse("assessments:supervision") + f"?year={YEAR}&half=1")
    groups = {g.name: g for g in response.context["data"]["groups"]}
    g = groups["东山街道区人大代表小组"]
    assert (g.member_count, g.items_submitted, g.items_concluded) == (2, 7, 1)
    # 刘芳 submitted in each of the 6 months, 张伟 in none: 6 / (2 × 6)
    assert g.submission_rate == Decimal("50.0")
    areas = {a.name: a for a in response.context["data"]["areas"]}
    assert areas["东山街道"].items_submitted == 7 and areas["任圩街道"].items_submitted == 0


def test_the_record_has_items_activities_and_counts(login, cast):
    fixtures.records(cast)
    response = login(cast.deputy).get(reverse("assessments:record", args=[cast.deputy.deputy.pk]))
    rec = response.context["record_ctx"]
    # The term (no start year recorded) runs from this year: the 2025 item is outside it.
    assert rec["item_counts"]["submitted"] == 13
    assert rec["status_counts"] == {"attended": 4, "leave": 1, "absent": 3}
    assert rec["trainings"] == 1
    response = login(cast.deputy).get(reverse("assessments:record_xlsx", args=[cast.deputy.deputy.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_batch_print_has_one_sheet_per_deputy_of_the_group(login, cast):
    from groups.models import DeputyGroup

    group = DeputyGroup.objects.get(name="东山街道区人大代表小组")
    response = login(cast.staff).get(reverse("assessments:records_batch") + f"?group={group.pk}")
    body = response.content.decode()
    assert body.count('data-testid="record-sheet"') == 2 and "刘芳" in body and "张伟" in body


def test_it_prints_a_batch_of_records_in_a_fixed_number_of_queries(login, cast):
    """批量打印: the queries do not grow with the deputies of the group (one per kind of record)."""
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from activities.choices import ActivityKind
    from activities.models import ReceptionProblem
    from groups.models import DeputyGroup
    from petitions.models import Item
    from tests.activities.factories import activity_with
    from tests.factories import DeputyGroupFactory, GroupMembershipFactory, MandateFactory

    computed(cast, publish=True)
    liu, zhang = cast.deputy.deputy, cast.group_leader.deputy
    pair = DeputyGroup.objects.get(name="东山街道区人大代表小组")
    six = DeputyGroupFactory(name="东山街道第二代表小组", area=pair.area)
    newcomers = [MandateFactory().deputy for _ in range(4)]
    item = Item.objects.collected().filter(deputy=liu, period__year=YEAR).order_by("id").first()
    item.co_deputies.add(*newcomers)
    for d in (liu, zhang, *newcomers):
        GroupMembershipFactory(group=six, deputy=d)
        reception = activity_with(d, kind=ActivityKind.RECEPTION, date=datetime.date(YEAR, 3, 5))
        ReceptionProblem.objects.create(activity=reception, deputy=d, voter_name="居民", description="路灯损坏")
    client = login(cast.staff)
    url = reverse("assessments:records_batch")
    with CaptureQueriesContext(connection) as two:
        response = client.get(url + f"?group={pair.pk}")
    queries_for_two = len(two)  # read now: the next request empties the connection's query log
    assert len(response.context["records"]) == 2
    with CaptureQueriesContext(connection) as many:
        response = client.get(url + f"?group={six.pk}")
    queries_for_six = [q["sql"] for q in many.captured_queries]
    records = {r["deputy"].pk: r for r in response.context["records"]}
    assert len(records) == 6
    body = response.content.decode()
    assert body.count('data-testid="record-sheet"') == 6 and "(联名)" in body
    # The batch sheet is the single record: same counts, items (联名 included), activities and scores.
    for d in (liu, zhang, newcomers[0]):
        single = client.get(reverse("assessments:record", args=[d.pk])).context["record_ctx"]
        batch = records[d.pk]
        for key in ("term", "start", "end", "item_counts", "kinds", "status_counts", "trainings", "receptions",
                    "reports", "problems"):
            assert batch[key] == single[key], key
        for key in ("items", "attendances", "scores", "mandates", "groups"):
            assert [o.pk for o in batch[key]] == [o.pk for o in single[key]], key
    assert records[newcomers[0].pk]["items"] == [item] and records[newcomers[0].pk]["problems"]["raised"] == 1
    assert records[liu.pk]["item_counts"]["submitted"] == 13 and len(records[liu.pk]["scores"]) == 1
    assert len(queries_for_six) == queries_for_two <= 22, "\n".join(queries_for_six)


def test_it_prints_each_deputy_of_a_batch_in_the_asked_term_when_they_held_it(login, cast):
    import datetime

    from deputies.choices import Level
    from groups.models import DeputyGroup
    from tests.activities.factories import activity_with
    from tests.factories import CongressTermFactory, MandateFactory

    liu, zhang = cast.deputy.deputy, cast.group_leader.deputy
    past = CongressTermFactory(level=Level.TOWN, number=17, start_year=2021, end_year=2025, is_current=False)
    MandateFactory(deputy=zhang, term=past)
    earlier = activity_with(liu, zhang, date=datetime.date(2024, 5, 10))
    this_year = activity_with(liu, zhang, date=datetime.date(YEAR, 5, 10))
    group = DeputyGroup.objects.get(name="东山街道区人大代表小组")
    url = reverse("assessments:records_batch") + f"?group={group.pk}"
    client = login(cast.staff)
    records = {r["deputy"].pk: r for r in client.get(url + f"&term={past.pk}").context["records"]}
    # 张伟 held the past town term and is printed in it; 刘芳 did not and keeps her current term.
    assert records[zhang.pk]["term"] == past and [a.activity for a in records[zhang.pk]["attendances"]] == [earlier]
    assert records[liu.pk]["term"] != past and [a.activity for a in records[liu.pk]["attendances"]] == [this_year]
    records = {r["deputy"].pk: r for r in client.get(url).context["records"]}
    assert [a.activity for a in records[zhang.pk]["attendances"]] == [this_year]


def test_a_refused_adjustment_keeps_what_was_typed(login, cast):
    s = score(cast, cast.group_leader, publish=False)
    before = s.total
    reason = "列席区人大常委会第二十三次会议并作书面发言,会后提交调研报告一份。" * 3
    response = login(cast.staff).post(reverse("assessments:adjust", args=[YEAR, s.pk]), {"delta": "abc", "reason": reason})
    body = response.content.decode()
    assert response.status_code == 400 and "输入一个数字" in body
    assert reason in body and 'value="abc"' in body
    s.refresh_from_db()
    assert s.total == before and not s.assessment.adjustments.exists()


def test_refused_settings_keep_what_was_typed(login, cast):
    assessment = computed(cast)
    response = login(cast.staff).post(reverse("assessments:settings", args=[YEAR]),
                                      {"top_share_percent": "150", "near_margin": "1.5"})
    body = response.content.decode()
    assert response.status_code == 400 and 'value="150"' in body and 'value="1.5"' in body
    assessment.refresh_from_db()
    assert assessment.top_share_percent != 150
