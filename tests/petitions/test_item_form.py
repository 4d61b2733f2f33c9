"""The new-item form (issue 10 §4): required fields marked, the deputy's town prefilled, the co-signer
picker (联名代表: search by name or pinyin initials, two people of one name told apart, and a fallback
without JavaScript), and a refused submit that marks the missing fields and keeps what was typed."""

import re

import pytest
from django.urls import reverse

from areas.models import Area
from deputies.choices import Level
from petitions.choices import State
from petitions.models import Item
from tests import factories
from tests.access import ViewAccessCases

from .helpers import item_data

pytestmark = pytest.mark.django_db


def search(**params) -> str:
    return reverse("petitions:deputy_search") + "?" + "&".join(f"{k}={v}" for k, v in params.items())


def offered(response) -> set[int]:
    html = response.content.decode()
    return {int(part.split('"')[0]) for part in html.split('data-deputy="')[1:]}


def other_zhang_wei():
    """A second 张伟: a town deputy (镇人大代表) in 任圩街道, beside the group leader 张伟 (东山街道, 区)."""
    renwei = Area.objects.get(name="任圩街道")
    person = factories.DeputyFactory(name="张伟", area=renwei)
    factories.MandateFactory(deputy=person, term=factories.CongressTermFactory(level=Level.TOWN, number=8),
                             area=renwei)
    return person


@pytest.fixture(autouse=True)
def no_nav_badges(monkeypatch):
    """The navigation's work-count badges are other apps' queries; count ours."""
    monkeypatch.setattr("core.nav.items_for", lambda user: [])


# ---- the search endpoint -------------------------------------------------------------------------


class TestDeputySearch(ViewAccessCases):
    allowed = ("deputy", "group_leader", "staff", "dongshan_staff", "admin")
    forbidden = ("zhujian", "leader")

    def url(self, cast):
        return search(co_deputy_name="zw")


def test_it_finds_co_signers_by_name_and_pinyin_initials_and_tells_namesakes_apart(cast, login):
    zhang, other = cast.group_leader.deputy_profile, other_zhang_wei()
    client = login(cast.deputy)
    for text in ("zw", "zhw", "ZW", "zhangwei", "张伟"):
        response = client.get(search(co_deputy_name=text))
        assert response.status_code == 200
        assert offered(response) == {zhang.pk, other.pk}, text
    html = client.get(search(co_deputy_name="张伟")).content.decode()
    assert "张伟（东山街道·区人大代表）" in html and "张伟（任圩街道·镇人大代表）" in html
    # A deputy may co-sign with any in-office deputy, not only those they can see elsewhere.
    assert offered(client.get(search(co_deputy_name="zq"))) == {cast.renwei_deputy.deputy_profile.pk}
    # Those already chosen are left out.
    assert offered(client.get(search(co_deputy_name="zw", co_deputies=zhang.pk))) == {other.pk}


def test_it_never_offers_the_filing_deputy_as_their_own_co_signer(cast, login):
    liu = cast.deputy.deputy_profile
    assert offered(login(cast.deputy).get(search(co_deputy_name="lf"))) == set()
    # Staff entering for 刘芳 (the form's deputy field, sent along) are not offered her either.
    staff = login(cast.staff)
    assert offered(staff.get(search(co_deputy_name="lf"))) == {liu.pk}
    assert offered(staff.get(search(co_deputy_name="lf", deputy=liu.pk))) == set()
    # Nor does a typed name resolve to them without JavaScript.
    response = login(cast.deputy).post(reverse("petitions:create"), {
        **item_data(), "area": cast.dongshan_staff.area.pk, "source": "visit", "co_deputy_name": "刘芳",
        "submit": "1"})
    assert response.status_code == 200 and "没有找到在任代表“刘芳”" in response.content.decode()


def test_it_answers_nothing_for_empty_text_and_never_fails_on_bad_input(cast, login):
    client = login(cast.staff)
    assert client.get(search(co_deputy_name="  ")).content == b""
    for text in ("<script>alert(1)</script>", "x" * 5000, "张\x00伟", "%", "_", "' OR 1=1 --"):
        response = client.get(reverse("petitions:deputy_search"), {"co_deputy_name": text, "co_deputies": "x"})
        assert response.status_code == 200, text[:20]
        assert "<script>alert(1)</script>" not in response.content.decode()
    html = client.get(reverse("petitions:deputy_search"), {"co_deputy_name": "x" * 50}).content.decode()
    assert "不超过 30 个字" in html


def test_it_gives_a_handling_unit_no_deputies(cast, login):
    assert login(cast.zhujian).get(search(co_deputy_name="z")).status_code == 403


def test_it_searches_in_a_fixed_number_of_queries(cast, login, django_assert_num_queries):
    client = login(cast.deputy)
    dongshan = Area.objects.get(name="东山街道")
    client.get(search(co_deputy_name="zw"))
    # Session, user, roles, the user's deputy profile (left out); the candidates; their in-office mandates.
    with django_assert_num_queries(6) as few:
        client.get(search(co_deputy_name="zw"))
    for c in "一二三四五六七八九十甲乙丙丁戊己庚辛壬癸子":
        factories.MandateFactory(deputy=factories.DeputyFactory(name=f"张文{c}", area=dongshan), area=dongshan)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(search(co_deputy_name="zw"))
    assert len(offered(response)) == 20 and "只显示前 20 位" in response.content.decode()


# ---- the form ------------------------------------------------------------------------------------


def test_it_marks_required_fields_and_prefills_the_deputys_town(cast, login):
    html = login(cast.deputy).get(reverse("petitions:create")).content.decode()
    for name in ("title", "content", "category", "area"):
        tag = re.search(rf'<(?:input|textarea|select)[^>]*name="{name}"[^>]*>', html).group(0)
        assert " required" in tag, name
        label = re.search(rf'<label[^>]*for="id_{name}"[^>]*>.*?</label>', html, re.S).group(0)
        assert 'data-testid="required-mark"' in label, name
    label = re.search(r'<label[^>]*for="id_address"[^>]*>.*?</label>', html, re.S).group(0)
    assert "required-mark" not in label
    dongshan = Area.objects.get(name="东山街道")
    assert f'<option value="{dongshan.pk}" selected>' in html
    # 赵强's form starts at 任圩街道.
    html = login(cast.renwei_deputy).get(reverse("petitions:create")).content.decode()
    assert f'<option value="{Area.objects.get(name="任圩街道").pk}" selected>' in html


def test_it_marks_the_missing_fields_of_a_refused_submit_and_keeps_what_was_typed(cast, login):
    zhang = cast.group_leader.deputy_profile
    client = login(cast.deputy)
    response = client.post(reverse("petitions:create"), {
        "title": "路灯不亮", "content": "", "category": "", "area": "", "address": "淮海路 12 号",
        "source": "visit", "period": "2026-03", "co_deputies": [zhang.pk], "submit": "1"})
    assert response.status_code == 200 and not Item.objects.exists()
    html = response.content.decode()
    assert 'data-testid="form-errors"' in html and "未能提交" in html
    for name in ("content", "category", "area"):
        tag = re.search(rf'<(?:textarea|select)[^>]*name="{name}"[^>]*>', html).group(0)
        assert "is-invalid" in tag and 'aria-invalid="true"' in tag, name
    assert html.count("提交前请填写此项。") == 3
    title = re.search(r'<input[^>]*name="title"[^>]*>', html).group(0)
    assert 'value="路灯不亮"' in title and "is-invalid" not in title
    assert 'value="淮海路 12 号"' in html and 'value="2026-03"' in html
    assert f'name="co_deputies" value="{zhang.pk}" checked' in html and "张伟（东山街道·区人大代表）" in html
    # The same fields saved as a draft are fine: a draft needs only its title.
    response = client.post(reverse("petitions:create"), {"title": "路灯不亮", "source": "visit", "save_draft": "1"})
    assert response.status_code == 302 and Item.objects.get().state == State.DRAFT


def test_it_marks_missing_fields_when_submitting_a_draft_from_the_edit_page(cast, login):
    client = login(cast.deputy)
    client.post(reverse("petitions:create"), {"title": "先存草稿", "source": "visit", "save_draft": "1"})
    item = Item.objects.get()
    response = client.post(reverse("petitions:edit", args=[item.pk]),
                           {"title": "先存草稿", "content": "补充了内容", "source": "visit", "submit": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "补充了内容" in html and re.search(r'<select[^>]*name="category"[^>]*is-invalid', html)
    item.refresh_from_db()
    assert item.state == State.DRAFT and item.content == ""


def test_it_submits_with_co_signers_chosen_in_the_picker(cast, login):
    zhang, zhao = cast.group_leader.deputy_profile, cast.renwei_deputy.deputy_profile
    response = login(cast.deputy).post(reverse("petitions:create"), {
        **item_data(), "area": cast.dongshan_staff.area.pk, "source": "visit", "co_deputies": [zhang.pk, zhao.pk],
        "submit": "1"})
    item = Item.objects.get()
    assert response.status_code == 302 and item.state == State.SUBMITTED
    assert set(item.co_deputies.all()) == {zhang, zhao}


def test_it_resolves_typed_co_signer_names_without_javascript(cast, login):
    zhang, zhao, other = cast.group_leader.deputy_profile, cast.renwei_deputy.deputy_profile, other_zhang_wei()
    client = login(cast.deputy)
    base = {**item_data(), "area": cast.dongshan_staff.area.pk, "source": "visit", "submit": "1"}
    # Two 张伟: nothing saved, both offered with area and level to tick; 赵强 (one match) is taken.
    response = client.post(reverse("petitions:create"), {**base, "co_deputy_name": "张伟、zq"})
    assert response.status_code == 200 and not Item.objects.exists()
    html = response.content.decode()
    assert "有多位代表与“张伟”匹配" in html
    candidates = set(map(int, re.findall(r'name="co_deputies" value="(\d+)" data-testid="co-candidate"', html)))
    assert candidates == {zhang.pk, other.pk}
    assert "张伟（任圩街道·镇人大代表）" in html
    assert f'name="co_deputies" value="{zhao.pk}" checked' in html
    assert re.search(r'name="co_deputy_name" [^>]*value=""', html)  # the name became the choice
    # Ticking one and sending again files the item with both.
    response = client.post(reverse("petitions:create"), {**base, "co_deputies": [zhao.pk, other.pk]})
    assert response.status_code == 302
    assert set(Item.objects.get().co_deputies.all()) == {zhao, other}


def test_it_says_when_a_typed_co_signer_is_not_found(cast, login):
    response = login(cast.deputy).post(reverse("petitions:create"), {
        **item_data(), "area": cast.dongshan_staff.area.pk, "source": "visit", "co_deputy_name": "无此人",
        "submit": "1"})
    assert response.status_code == 200 and not Item.objects.exists()
    html = response.content.decode()
    assert "没有找到在任代表“无此人”" in html and re.search(r'name="co_deputy_name" [^>]*value="无此人"', html)


def test_it_looks_typed_names_up_without_saving_when_asked_to_find(cast, login):
    """No JavaScript: the 查找 button shows the form again with the names resolved, nothing saved and no
    complaint about fields not yet filled."""
    zhao, other = cast.renwei_deputy.deputy_profile, other_zhang_wei()
    client = login(cast.deputy)
    html = client.get(reverse("petitions:create")).content.decode()
    assert 'name="find_co_deputy"' in html
    response = client.post(reverse("petitions:create"), {"title": "", "source": "visit", "co_deputy_name": "zq 张伟",
                                                         "find_co_deputy": "1"})
    assert response.status_code == 200 and not Item.objects.exists()
    html = response.content.decode()
    assert 'data-testid="form-errors"' not in html and "提交前请填写此项" not in html and "is-invalid" not in html.split(
        'name="co_deputy_name"')[0]
    assert f'name="co_deputies" value="{zhao.pk}" checked' in html and "赵强（任圩街道·区人大代表）" in html
    assert "有多位代表与“张伟”匹配" in html and f'value="{other.pk}" data-testid="co-candidate"' in html
    # Found them all: the form comes back with the chips and no message.
    response = client.post(reverse("petitions:create"), {"title": "路灯", "source": "visit", "co_deputy_name": "zq",
                                                         "find_co_deputy": "1"})
    html = response.content.decode()
    assert not Item.objects.exists() and f'value="{zhao.pk}" checked' in html and 'value="路灯"' in html
    assert "co-deputy-error" not in html


# ---- one submission per form (issue 17 defect 7) ---------------------------------------------------


def form_token(html: str) -> str:
    return re.search(r'name="submission_token" value="([0-9a-f]+)"', html).group(1)


def test_it_creates_one_item_when_the_same_form_is_sent_twice(cast, login):
    client = login(cast.deputy)
    token = form_token(client.get(reverse("petitions:create")).content.decode())
    assert token != form_token(client.get(reverse("petitions:create")).content.decode())  # fresh each time
    data = {**item_data(), "area": cast.dongshan_staff.area.pk, "source": "visit", "submit": "1",
            "submission_token": token}
    first = client.post(reverse("petitions:create"), data)
    item = Item.objects.get()
    assert first.status_code == 302 and item.state == State.SUBMITTED
    again = client.post(reverse("petitions:create"), {**data, "title": "重复点击"}, follow=True)
    assert again.redirect_chain[-1][0] == item.get_absolute_url()
    assert f"该表单已经提交过一次(编号 {item.number})" in again.content.decode()
    assert list(Item.objects.values_list("pk", "title")) == [(item.pk, item.title)]
    # A draft saved twice from one form is one draft too.
    token = form_token(client.get(reverse("petitions:create")).content.decode())
    for _ in range(2):
        client.post(reverse("petitions:create"), {"title": "先存草稿", "source": "visit", "save_draft": "1",
                                                  "submission_token": token})
    assert Item.objects.filter(title="先存草稿").count() == 1


def test_it_keeps_the_form_token_when_the_form_comes_back_with_errors(cast, login):
    client = login(cast.deputy)
    token = form_token(client.get(reverse("petitions:create")).content.decode())
    refused = client.post(reverse("petitions:create"), {"title": "", "source": "visit", "submit": "1",
                                                        "submission_token": token})
    assert refused.status_code == 200 and form_token(refused.content.decode()) == token
    assert not Item.objects.exists()
    # Sent again, corrected: the token was never used, so the item is made.
    client.post(reverse("petitions:create"), {**item_data(), "area": cast.dongshan_staff.area.pk,
                                              "source": "visit", "submit": "1", "submission_token": token})
    assert Item.objects.get().submission_token.hex == token
