"""Publicity records (信息宣传): who records, what is checked, who sees what, and adopted pieces counted
in the quarterly points."""

import datetime
from decimal import Decimal

import pytest

from areas.models import Area
from points import selectors as point_selectors
from points import services as point_services
from points.choices import Basis, Category
from points.models import PointRule
from publicity import selectors, services
from publicity.models import Piece

from .conftest import docx, pdf, piece_of, png

pytestmark = pytest.mark.django_db


def test_it_records_a_deputys_piece_under_the_deputys_name_area_and_group(cast):
    piece = piece_of(cast, file=pdf())
    assert piece.author == "刘芳"
    assert piece.area.name == "东山街道"
    assert piece.group.name == "东山街道区人大代表小组"  # 刘芳 belongs to one group: it comes along
    assert piece.created_by == cast.staff
    assert piece.file_type == "application/pdf" and piece.file_name == "稿件.pdf"
    record = piece.history.get()
    assert record.history_type == "+" and record.history_user == cast.staff


def test_area_staff_record_in_their_own_area_only(cast):
    piece = piece_of(cast, actor=cast.dongshan_staff, deputy=None, author="东山街道人大工委")
    assert piece.area.name == "东山街道"
    with pytest.raises(services.NotAllowed, match="本街道/镇代表"):
        piece_of(cast, actor=cast.dongshan_staff, deputy=cast.renwei_deputy.deputy)
    district = piece_of(cast, deputy=None, author="区人大常委会办公室")
    assert district.area is None  # recorded by the district for no deputy: the district's own


@pytest.mark.parametrize("who", ["leader", "deputy", "group_leader", "zhujian"])
def test_only_staff_record_pieces(cast, who):
    with pytest.raises(services.NotAllowed, match="工作人员"):
        piece_of(cast, actor=getattr(cast, who))
    assert not Piece.objects.exists()


@pytest.mark.parametrize(("fields", "message"), [
    ({"title": "  "}, "请填写标题"),
    ({"title": "长" * 201}, "标题过长"),
    ({"medium": ""}, "请填写媒体名称"),
    ({"level": "county"}, "请选择媒体级别"),
    ({"date": datetime.date(2026, 11, 27)}, "不能晚于今天"),  # the suite's clock says 2026-11-26
    ({"date": datetime.date(1999, 12, 31)}, "正确的刊发日期"),
    ({"link": "ftp://example.com/a"}, "http:// 或 https://"),
    ({"link": "javascript:alert(1)"}, "http:// 或 https://"),
    ({"deputy": None, "author": ""}, "请填写作者"),
    ({"file": docx()}, "须为图片或 PDF"),
])
def test_it_refuses_bad_input_with_a_chinese_message_and_writes_nothing(cast, fields, message):
    with pytest.raises(services.LoopError, match=message):
        piece_of(cast, **fields)
    assert not Piece.objects.exists()


def test_it_updates_a_piece_and_keeps_who_changed_what(cast):
    piece = piece_of(cast)
    services.piece_update(piece=piece, actor=cast.dongshan_staff, title="关于老旧小区改造的深度报道",
                          date=piece.date, medium="人民日报", level="national", deputy=piece.deputy,
                          group=piece.group, adopted=True, award="全国人大新闻奖优秀奖", file=png())
    piece.refresh_from_db()
    assert (piece.title, piece.level, piece.award, piece.file_type) == (
        "关于老旧小区改造的深度报道", "national", "全国人大新闻奖优秀奖", "image/png")
    newest = piece.history.latest("history_date")
    assert newest.history_type == "~" and newest.history_user == cast.dongshan_staff
    assert newest.prev_record.medium == "安徽日报"
    services.piece_update(piece=piece, actor=cast.staff, title=piece.title, date=piece.date, medium=piece.medium,
                          level=piece.level, deputy=piece.deputy, remove_file=True)
    piece.refresh_from_db()
    assert not piece.file and piece.file_name == "" and piece.adopted is False


def test_other_areas_and_readers_may_not_change_or_delete(cast):
    piece = piece_of(cast)
    for who in (cast.renwei_staff, cast.leader, cast.deputy):
        with pytest.raises(services.NotAllowed):
            services.piece_update(piece=piece, actor=who, title="改", date=piece.date, medium="x", level="city",
                                  author="x")
        with pytest.raises(services.NotAllowed):
            services.piece_delete(piece=piece, actor=who)
    piece.refresh_from_db()
    assert piece.title == "关于老旧小区改造的报道"


def test_it_deletes_a_piece_and_the_history_says_who(cast):
    piece = piece_of(cast)
    services.piece_delete(piece=piece, actor=cast.dongshan_staff)
    assert not Piece.objects.filter(pk=piece.pk).exists()
    assert Piece.history.filter(id=piece.pk, history_type="-", history_user=cast.dongshan_staff).exists()


def test_each_role_sees_its_own_scope(cast):
    mine = piece_of(cast)
    renwei = piece_of(cast, deputy=cast.renwei_deputy.deputy, title="关于任圩街道的报道")
    leaders = piece_of(cast, deputy=cast.group_leader.deputy, title="关于小组长的报道")
    district = piece_of(cast, deputy=None, author="区人大常委会办公室", title="关于区人大的报道")
    everything = {mine.pk, renwei.pk, leaders.pk, district.pk}

    def seen(user):
        return set(Piece.objects.visible_to(user).values_list("pk", flat=True))

    assert seen(cast.staff) == seen(cast.leader) == seen(cast.admin) == everything
    assert seen(cast.dongshan_staff) == {mine.pk, leaders.pk}
    assert seen(cast.renwei_staff) == {renwei.pk}
    assert seen(cast.deputy) == {mine.pk}
    assert seen(cast.group_leader) == {leaders.pk}  # a group leader sees their own, not the members'
    assert seen(cast.zhujian) == set()
    assert set(Piece.objects.editable_by(cast.dongshan_staff).values_list("pk", flat=True)) == {mine.pk, leaders.pk}
    assert not Piece.objects.editable_by(cast.leader).exists()


def test_the_year_figures_count_levels_adoption_groups_and_awards(cast):
    piece_of(cast, level="national", award="全国人大新闻奖优秀奖")
    piece_of(cast, level="provincial")
    piece_of(cast, level="provincial", adopted=False)
    piece_of(cast, level="city")
    piece_of(cast, level="district")
    piece_of(cast, deputy=None, author="区人大常委会办公室", level="city", adopted=False)
    piece_of(cast, date=datetime.date(2025, 5, 1), level="national")  # another year
    figures = selectors.year_figures(user=cast.staff, year=2026)
    assert (figures["total"], figures["adopted_count"]) == (6, 4)
    assert figures["provincial_up_adopted"] == 2 and figures["city_up_adopted"] == 3
    assert {r["level"]: (r["total"], r["adopted"]) for r in figures["levels"]} == {
        "national": (1, 1), "provincial": (2, 1), "city": (2, 1), "district": (1, 1)}
    assert {r["group__name"]: (r["total"], r["adopted_count"]) for r in figures["groups"]} == {
        "东山街道区人大代表小组": (5, 4), None: (1, 0)}
    assert [p.award for p in selectors.awards(user=cast.staff, year=2026)] == ["全国人大新闻奖优秀奖"]
    assert selectors.year_figures(user=cast.renwei_staff, year=2026)["total"] == 0  # scoped


def test_adopted_pieces_of_a_deputy_count_in_the_quarterly_points(cast):
    rule = PointRule.objects.create(name="信息宣传被采用", category=Category.BETWEEN, basis=Basis.PUBLICITY,
                                    points=Decimal("2"), quarter_cap=Decimal("10"))
    deputy = cast.deputy.deputy
    counted = [piece_of(cast, date=datetime.date(2026, 7, 3)), piece_of(cast, date=datetime.date(2026, 9, 30))]
    piece_of(cast, date=datetime.date(2026, 8, 1), adopted=False)  # not taken
    piece_of(cast, date=datetime.date(2026, 10, 1))  # the next quarter
    piece_of(cast, deputy=None, author="区人大常委会办公室", date=datetime.date(2026, 8, 1))  # no deputy
    snapshot = point_services.snapshot_compute(year=2026, quarter=3, actor=cast.staff)
    line = snapshot.lines.get(deputy=deputy, rule=rule)
    assert line.record_kind == "publicity"
    assert sorted(line.record_ids) == sorted(p.pk for p in counted)
    assert line.points == Decimal("4")
    assert not snapshot.lines.filter(rule=rule).exclude(deputy=deputy).exists()
    records = next(ln.records for ln in point_selectors.breakdown(snapshot, deputy.pk) if ln.rule_id == rule.pk)
    assert sorted(records) == sorted((p.title, p.get_absolute_url()) for p in counted)


def test_a_piece_of_an_area_staff_for_a_deputy_elsewhere_in_their_area_stays_visible_to_them(cast):
    piece = piece_of(cast, actor=cast.dongshan_staff, deputy=cast.group_leader.deputy)
    assert piece.area == Area.objects.get(name="东山街道")
    assert Piece.objects.visible_to(cast.dongshan_staff).filter(pk=piece.pk).exists()
