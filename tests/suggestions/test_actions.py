"""The action endpoints on a suggestion's page (suggestions/actions.py): access per action family,
the change each makes, refusals that keep the input and change nothing, and one transition for a
double POST."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from suggestions.choices import Action, Rating, State
from suggestions.models import Consultation, Evaluation, Reply, SuggestionEvent, SuggestionUnit
from tests.access import ViewAccessCases

from .helpers import make, reply_data

pytestmark = pytest.mark.django_db


def do(s, action):
    return reverse("suggestions:action", args=[s.pk, action])


def _ready_to_reply(cast):
    from suggestions import services

    s = make(cast, State.HANDLING)
    services.suggestion_co_opinion(suggestion=s, actor=cast.huanbao, opinion="同意。")
    services.suggestion_consult(suggestion=s, actor=cast.zhujian, form="phone", date=timezone.localdate(),
                                person_name="王局长", person_level="head")
    return s


def _form_data(data):
    return {k: ("" if v is None else v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}


# ---- access per family ---------------------------------------------------------------------------

class TestStaffAction(ViewAccessCases):
    """登记 (a staff action; the same spec roles guard start_review, accept, assign, approve...)."""

    method = "post"
    allowed = ("staff", "admin")
    forbidden = ("zhujian", "deputy", "dongshan_staff", "leader")

    def url(self, cast):
        return do(make(cast, State.SUBMITTED), "register")


class TestUnitAction(ViewAccessCases):
    """答复 (a unit action)."""

    method = "post"
    allowed = ("zhujian",)
    forbidden = ("deputy", "leader")

    def url(self, cast):
        return do(_ready_to_reply(cast), "reply")

    def data(self, cast):
        return _form_data(reply_data("A"))


class TestDeputyAction(ViewAccessCases):
    """评价 (the lead deputy's action): another deputy does not even see the suggestion."""

    method = "post"
    allowed = ("deputy",)
    out_of_scope = ("renwei_deputy",)
    forbidden = ("zhujian", "leader")

    def url(self, cast):
        return do(make(cast, State.ANSWERED), "evaluate")

    def data(self, cast):
        return {"work_rating": Rating.SATISFIED, "result_rating": Rating.BASIC}


def test_an_unknown_action_is_404(login, cast):
    s = make(cast, State.SUBMITTED)
    assert login(cast.staff).post(do(s, "frobnicate")).status_code == 404


def test_a_unit_not_on_the_suggestion_does_not_see_it(login, cast):
    s = make(cast, State.ACCEPTED)  # not yet assigned: no unit sees it
    assert login(cast.zhujian).post(do(s, "consult"), {"form": "phone"}).status_code == 404


# ---- the changes ---------------------------------------------------------------------------------

def test_register_numbers_it(login, cast):
    s = make(cast, State.SUBMITTED)
    response = login(cast.staff).post(do(s, "register"))
    assert response.status_code == 302 and response["Location"] == s.get_absolute_url()
    s.refresh_from_db()
    assert s.state == State.REGISTERED and s.number == 1


def test_staff_walk_review_accept_and_assign(login, cast):
    s = make(cast, State.REGISTERED)
    client = login(cast.staff)
    assert client.post(do(s, "start_review")).status_code == 302
    assert client.post(do(s, "accept"), {"comment": ""}).status_code == 302
    response = client.post(do(s, "assign"), {"lead_unit": cast.zhujian.unit_id, "co_units": [cast.huanbao.unit_id],
                                             "lead_leader": "王副区长", "key_supervision": "on"})
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.state == State.HANDLING and s.key_supervision and s.lead_leader == "王副区长"
    assert set(SuggestionUnit.objects.filter(suggestion=s).values_list("unit_id", "role")) == {
        (cast.zhujian.unit_id, "lead"), (cast.huanbao.unit_id, "co")}


def test_reply_is_recorded_and_goes_to_review(login, cast):
    s = _ready_to_reply(cast)
    response = login(cast.zhujian).post(do(s, "reply"), _form_data(reply_data("B")))
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.state == State.REVIEW
    assert Reply.objects.get(suggestion=s).reply_class == "B"


def test_evaluation_by_staff_for_a_deputy_without_login_is_marked_proxy(login, cast):
    s = make(cast, State.ANSWERED)
    deputy = s.lead_deputy
    deputy.user = None
    deputy.save(update_fields=["user"])
    response = login(cast.staff).post(do(s, "evaluate"), {"work_rating": Rating.SATISFIED,
                                                          "result_rating": Rating.SATISFIED})
    assert response.status_code == 302
    assert Evaluation.objects.get(suggestion=s).proxy


def test_b_follow_up_closes_when_the_unit_reports_measures_done(login, cast):
    s = make(cast, State.CONCLUDED)
    assert s.tracking
    assert login(cast.zhujian).post(do(s, "measures_done"), {"comment": "信号灯已装好。"}).status_code == 302
    s.refresh_from_db()
    assert not s.tracking


# ---- refusals: input kept, nothing changed -------------------------------------------------------

def test_reply_b_without_a_planned_date_is_refused_and_keeps_the_input(login, cast):
    s = _ready_to_reply(cast)
    data = _form_data(reply_data("B", planned_date=None, doc_number="相住建〔2026〕99号"))
    response = login(cast.zhujian).post(do(s, "reply"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "B、C 类答复须填写计划完成日期。" in html and "相住建〔2026〕99号" in html
    s.refresh_from_db()
    assert s.state == State.HANDLING and not Reply.objects.filter(suggestion=s).exists()


def test_a_service_refusal_shows_its_message_and_changes_nothing(login, cast):
    s = make(cast, State.HANDLING)  # no 面商 recorded yet
    response = login(cast.zhujian).post(do(s, "reply"), _form_data(reply_data("A", co_opinions="同意。")))
    assert response.status_code == 200
    assert "答复前请先记录与代表的面商情况" in response.content.decode()
    assert not Reply.objects.filter(suggestion=s).exists()


def test_reject_other_needs_a_reason(login, cast):
    s = make(cast, State.REVIEWING)
    response = login(cast.staff).post(do(s, "reject"), {"ground": "other", "reason": ""})
    assert response.status_code == 200
    s.refresh_from_db()
    assert s.state == State.REVIEWING


def test_an_action_not_allowed_now_is_refused_without_change(login, cast):
    s = make(cast, State.HANDLING)
    response = login(cast.staff).post(do(s, "register"))
    assert response.status_code == 200  # stale state: a message on the page
    assert not SuggestionEvent.objects.filter(suggestion=s, action=Action.REGISTER).count() > 1


# ---- the cards -----------------------------------------------------------------------------------

def test_the_page_shows_only_the_actions_the_user_may_take_now(login, cast):
    s = make(cast, State.ANSWERED)
    url = s.get_absolute_url()
    deputy_page = login(cast.deputy).get(url).content.decode()
    assert 'data-testid="action-evaluate"' in deputy_page and 'data-testid="action-reply"' not in deputy_page
    staff_page = login(cast.staff).get(url).content.decode()
    assert 'data-testid="action-expire_evaluation"' in staff_page
    assert 'data-testid="action-evaluate"' not in staff_page  # the deputy has a login: no proxy
    assert 'data-testid="action-' not in login(cast.leader).get(url).content.decode()


def test_staff_see_a_pending_extension_with_its_decide_form(login, cast):
    from suggestions import services

    s = make(cast, State.HANDLING)
    services.suggestion_request_extension(suggestion=s, actor=cast.zhujian, months=2, explanation="需要招标。")
    page = login(cast.staff).get(s.get_absolute_url()).content.decode()
    assert 'data-testid="action-decide_extension"' in page and "需要招标。" in page
    assert 'data-testid="action-decide_return"' not in page
    assert login(cast.staff).post(do(s, "decide_extension"), {"approve": "1"}).status_code == 302
    s.refresh_from_db()
    assert s.extension_months == 2


def test_consultation_confirmed_by_the_deputy(login, cast):
    s = _ready_to_reply(cast)
    c = Consultation.objects.get(suggestion=s)
    assert login(cast.deputy).post(do(s, "confirm_consultation"), {"consultation": c.pk, "agree": "0",
                                                                  "comment": "没有上门。"}).status_code == 302
    c.refresh_from_db()
    assert c.answer == "disputed"


# ---- a double POST -------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_a_parallel_double_post_of_register_makes_one_transition(cast):
    s = make(cast, State.SUBMITTED)
    clients = [Client(), Client()]
    for c in clients:
        c.force_login(cast.staff)
    barrier, statuses = threading.Barrier(2), []

    def post(client):
        try:
            barrier.wait()
            statuses.append(client.post(do(s, "register")).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(statuses) == [200, 302]
    assert SuggestionEvent.objects.filter(suggestion=s, action=Action.REGISTER).count() == 1
    s.refresh_from_db()
    assert s.number == 1


# ---- the signed reply PDF ------------------------------------------------------------------------

def test_the_signed_pdf_is_uploaded_with_the_reply_and_downloadable_in_scope_only(login, cast, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.petitions.helpers import PDF

    settings.MEDIA_ROOT = tmp_path
    s = _ready_to_reply(cast)
    data = _form_data(reply_data("A"))
    data["signed_pdf"] = SimpleUploadedFile("答复函.pdf", PDF, content_type="application/pdf")
    assert login(cast.zhujian).post(do(s, "reply"), data).status_code == 302
    reply = Reply.objects.get(suggestion=s)
    url = reverse("suggestions:reply_pdf", args=[reply.pk])
    assert url in login(cast.staff).get(s.get_absolute_url()).content.decode()
    response = login(cast.deputy).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response) == PDF
    assert login(cast.renwei_deputy).get(url).status_code == 404


def test_a_reply_pdf_that_is_not_a_pdf_is_refused(login, cast, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    s = _ready_to_reply(cast)
    data = _form_data(reply_data("A"))
    data["signed_pdf"] = SimpleUploadedFile("答复函.pdf", b"not a pdf at all", content_type="application/pdf")
    assert login(cast.zhujian).post(do(s, "reply"), data).status_code == 200
    assert not Reply.objects.filter(suggestion=s).exists()


def test_a_cosigner_confirms_and_staff_record_a_paper_signature(login, cast):
    from suggestions.models import CoSigner

    s = make(cast, State.SUBMITTED, co=[cast.group_leader.deputy, cast.renwei_deputy.deputy])
    assert login(cast.group_leader).post(do(s, "cosign")).status_code == 302
    assert CoSigner.objects.get(suggestion=s, deputy=cast.group_leader.deputy).confirmed_at is not None
    response = login(cast.staff).post(do(s, "cosign"), {"deputy": cast.renwei_deputy.deputy.pk})
    assert response.status_code == 302
    row = CoSigner.objects.get(suggestion=s, deputy=cast.renwei_deputy.deputy)
    assert row.on_paper and row.confirmed_at is not None
    # Everyone has confirmed: no card left for staff.
    assert 'data-testid="action-cosign"' not in login(cast.staff).get(s.get_absolute_url()).content.decode()
