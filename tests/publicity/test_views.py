"""Pages of publicity records: access for every view (tests/access.py), what each page does, and the
query counts of the list and the figures."""

import datetime

import pytest
from django.urls import reverse

from publicity.models import Piece
from tests.access import ViewAccessCases

from .conftest import docx, form_data, pdf, piece_of, png

pytestmark = pytest.mark.django_db


def dongshan_piece(cast, **fields):
    return piece_of(cast, **fields)


class TestListAccess(ViewAccessCases):
    allowed = ("staff", "dongshan_staff", "deputy", "group_leader", "leader")
    forbidden = ("zhujian",)

    def url(self, cast):
        return reverse("publicity:list")


class TestFiguresAccess(ViewAccessCases):
    allowed = ("staff", "dongshan_staff", "leader")
    forbidden = ("deputy", "group_leader", "zhujian")

    def url(self, cast):
        return reverse("publicity:figures")


class TestDetailAccess(ViewAccessCases):
    allowed = ("staff", "dongshan_staff", "deputy", "leader")
    out_of_scope = ("renwei_staff", "renwei_deputy", "group_leader")
    forbidden = ("zhujian",)

    def url(self, cast):
        return reverse("publicity:detail", args=[dongshan_piece(cast).pk])


class TestFileAccess(ViewAccessCases):
    allowed = ("staff", "dongshan_staff", "deputy", "leader")
    out_of_scope = ("renwei_staff", "renwei_deputy", "group_leader", "zhujian")

    def url(self, cast):
        return reverse("publicity:file", args=[dongshan_piece(cast, file=png()).pk])


class TestCreateAccess(ViewAccessCases):
    allowed = ("staff", "dongshan_staff")
    forbidden = ("leader", "deputy", "group_leader", "zhujian")

    def url(self, cast):
        return reverse("publicity:create")


class TestCreatePostAccess(ViewAccessCases):
    """The POST of the form: the same roles (its GET is the form, so there is no 405 case)."""

    method = "post"
    allowed = ("staff", "dongshan_staff")
    forbidden = ("leader", "deputy", "zhujian")
    test_it_refuses_get_on_a_post_endpoint = None

    def url(self, cast):
        return reverse("publicity:create")

    def data(self, cast):
        return form_data(author="东山街道人大工委")


class TestEditAccess(ViewAccessCases):
    allowed = ("staff", "dongshan_staff")
    out_of_scope = ("renwei_staff",)
    forbidden = ("leader", "deputy", "renwei_deputy", "zhujian")

    def url(self, cast):
        return reverse("publicity:edit", args=[dongshan_piece(cast).pk])


class TestEditPostAccess(ViewAccessCases):
    method = "post"
    allowed = ("staff", "dongshan_staff")
    out_of_scope = ("renwei_staff",)
    forbidden = ("leader", "deputy")
    test_it_refuses_get_on_a_post_endpoint = None

    def url(self, cast):
        return reverse("publicity:edit", args=[dongshan_piece(cast).pk])

    def data(self, cast):
        return form_data(deputy=str(cast.deputy.deputy.pk))


class TestDeleteAccess(ViewAccessCases):
    method = "post"
    allowed = ("staff", "dongshan_staff")
    out_of_scope = ("renwei_staff",)
    forbidden = ("leader", "deputy", "zhujian")

    def url(self, cast):
        return reverse("publicity:delete", args=[dongshan_piece(cast).pk])


# --- What the pages do ----------------------------------------------------------------------------


def test_it_records_a_piece_from_the_form_with_its_file(login, cast):
    data = form_data(deputy=str(cast.deputy.deputy.pk), award="全市人大好新闻二等奖",
                     link="https://www.hbrb.cn/a/1.html", file=pdf())
    response = login(cast.dongshan_staff).post(reverse("publicity:create"), data)
    piece = Piece.objects.get()
    assert response.status_code == 302 and response["Location"] == piece.get_absolute_url()
    assert (piece.author, piece.level, piece.adopted, piece.award, piece.area.name, piece.created_by) == (
        "刘芳", "city", True, "全市人大好新闻二等奖", "东山街道", cast.dongshan_staff)
    assert piece.history.get().history_user == cast.dongshan_staff
    file = login(cast.deputy).get(reverse("publicity:file", args=[piece.pk]))
    assert file.status_code == 200 and file["Content-Type"] == "application/pdf"
    assert b"".join(file.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize(("extra", "error"), [
    ({"title": ""}, "这个字段是必填项"),
    ({"link": "ftp://example.com/x"}, "http:// 或 https://"),
    ({"date": "2026-12-31"}, "2026-11-26"),
    ({"file": None, "author": ""}, "请填写作者"),
])
def test_a_refused_form_keeps_what_was_typed(login, cast, extra, error):
    data = form_data(medium="淮北日报社(客户端)", award="好新闻奖", **extra)
    response = login(cast.staff).post(reverse("publicity:create"), data)
    body = response.content.decode()
    assert response.status_code == 400 and not Piece.objects.exists()
    assert error in body
    assert 'value="淮北日报社(客户端)"' in body and 'value="好新闻奖"' in body


def test_a_file_that_is_not_a_photo_or_pdf_is_refused_by_its_content(login, cast):
    response = login(cast.staff).post(reverse("publicity:create"), form_data(author="某某", file=docx()))
    assert response.status_code == 400 and "须为图片或 PDF" in response.content.decode()
    assert not Piece.objects.exists()


def test_the_form_offers_area_staff_only_their_areas_deputies(login, cast):
    body = login(cast.dongshan_staff).get(reverse("publicity:create")).content.decode()
    assert "刘芳" in body and "赵强" not in body
    response = login(cast.dongshan_staff).post(reverse("publicity:create"),
                                               form_data(deputy=str(cast.renwei_deputy.deputy.pk)))
    assert response.status_code == 400 and not Piece.objects.exists()


def test_it_edits_a_piece(login, cast):
    piece = dongshan_piece(cast)
    response = login(cast.dongshan_staff).post(reverse("publicity:edit", args=[piece.pk]), form_data(
        deputy=str(cast.deputy.deputy.pk), title="关于接待选民日的深度报道", level="national", adopted=""))
    assert response.status_code == 302
    piece.refresh_from_db()
    assert (piece.title, piece.level, piece.adopted) == ("关于接待选民日的深度报道", "national", False)
    assert piece.history.latest("history_date").history_user == cast.dongshan_staff


def test_the_edit_form_shows_the_piece(login, cast):
    piece = dongshan_piece(cast, award="好新闻奖", file=png())
    body = login(cast.staff).get(reverse("publicity:edit", args=[piece.pk])).content.decode()
    assert 'value="关于老旧小区改造的报道"' in body and 'value="2026-08-10"' in body and "删除已上传的文件" in body


def test_it_deletes_a_piece(login, cast):
    piece = dongshan_piece(cast)
    response = login(cast.dongshan_staff).post(reverse("publicity:delete", args=[piece.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("publicity:list")
    assert not Piece.objects.exists()
    assert Piece.history.filter(id=piece.pk, history_type="-", history_user=cast.dongshan_staff).exists()


def test_the_detail_shows_the_piece_and_offers_changes_to_those_who_may(login, cast):
    piece = dongshan_piece(cast, award="全省人大新闻奖三等奖", link="https://www.ahrd.gov.cn/x.html")
    body = login(cast.dongshan_staff).get(piece.get_absolute_url()).content.decode()
    assert "全省人大新闻奖三等奖" in body and "安徽日报" in body and 'data-testid="edit-link"' in body
    body = login(cast.deputy).get(piece.get_absolute_url()).content.decode()
    assert "关于老旧小区改造的报道" in body and 'data-testid="edit-link"' not in body


def test_the_list_filters_by_year_level_and_adoption(login, cast):
    piece_of(cast, title="甲省级采用", level="provincial")
    piece_of(cast, title="乙省级未采用", level="provincial", adopted=False)
    piece_of(cast, title="丙市级采用", level="city")
    piece_of(cast, title="丁去年", level="provincial", date=datetime.date(2025, 3, 1))
    client = login(cast.staff)

    def titles(**params):
        body = client.get(reverse("publicity:list"), params).content.decode()
        return {t for t in ("甲省级采用", "乙省级未采用", "丙市级采用", "丁去年") if t in body}

    assert titles() == {"甲省级采用", "乙省级未采用", "丙市级采用", "丁去年"}
    assert titles(year=2026, level="provincial") == {"甲省级采用", "乙省级未采用"}
    assert titles(year=2026, level="provincial", adopted="1") == {"甲省级采用"}
    assert titles(adopted="0") == {"乙省级未采用"}
    assert titles(year=2025) == {"丁去年"}
    assert titles(level="nonsense", year="abc") == titles()


def test_the_list_pages_by_fifty(login, cast):
    for i in range(51):
        piece_of(cast, title=f"第{i}篇报道", deputy=None, author="区人大常委会办公室")
    body = login(cast.staff).get(reverse("publicity:list")).content.decode()
    assert body.count('data-testid="piece-row"') == 50 and "第 1 / 2 页" in body


def test_the_list_runs_a_fixed_number_of_queries(login, cast, django_assert_max_num_queries):
    piece_of(cast)
    client = login(cast.dongshan_staff)
    client.get(reverse("publicity:list"))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("publicity:list"))
    for i in range(8):
        piece_of(cast, title=f"报道{i}", deputy=cast.group_leader.deputy if i % 2 else cast.deputy.deputy)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("publicity:list"))
    assert response.content.decode().count('data-testid="piece-row"') == 9


def test_the_figures_page_shows_the_years_figures_in_a_fixed_number_of_queries(login, cast,
                                                                              django_assert_max_num_queries):
    piece_of(cast, level="national", award="全国人大新闻奖优秀奖")
    client = login(cast.staff)
    client.get(reverse("publicity:figures"))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("publicity:figures"))
    for level, adopted in (("provincial", True), ("city", True), ("city", False), ("district", True)):
        piece_of(cast, level=level, adopted=adopted, award="好新闻奖" if level == "city" else "")
    piece_of(cast, deputy=None, author="区人大常委会办公室", level="provincial")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("publicity:figures"), {"year": 2026})
    body = response.content.decode()
    assert 'data-testid="total">6<' in body
    assert 'data-testid="provincial-up">3<' in body and 'data-testid="city-up">4<' in body
    assert body.count('data-testid="award-row"') == 3 and body.count('data-testid="group-row"') == 2
    assert "未关联小组" in body


def test_the_navigation_lists_publicity_under_deputy_work(login, cast):
    from core import nav

    keys = {e["key"] for e in nav.items_for(cast.staff)}
    assert "publicity" in keys
    assert "publicity" not in {e["key"] for e in nav.items_for(cast.zhujian)}
    people = next(n for n in nav.menu(nav.items_for(cast.staff)) if n.get("section") == "people")
    assert reverse("publicity:list") in people["urls"]
