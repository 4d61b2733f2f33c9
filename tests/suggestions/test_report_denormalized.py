"""What the session report reads without joins is kept right by every door that writes it: the session
on each unit row and 面商 record (SuggestionUnit.session, Consultation.session) and the lead deputy's
first-round ratings on the suggestion (Suggestion.first_work_rating / first_result_rating); the
migration's backfill fills the same; and the unit table built in Python is the HTML the `drill` /
`rate_cell` tags made, link for link."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.template import Context, Template
from django.urls import reverse

from suggestions import services
from suggestions.choices import Rating, State
from suggestions.models import Consultation, Evaluation, Suggestion, SuggestionSettings, SuggestionUnit
from suggestions.selectors import unit_report

from .helpers import make, reply_data, session
from .test_import import row, run, workbook

pytestmark = pytest.mark.django_db

OTHER = "区人大十二届二次会议"


def _sessions_of_rows(model):
    """(the row's session, its suggestion's session) of every unit row or 面商 record."""
    return list(model.objects.values_list("session_id", "suggestion__session_id"))


def _first_ratings():
    """Per suggestion: the copied first-round ratings and the lead deputy's round-1 evaluation's."""
    out = {}
    for s in Suggestion.objects.all():
        e = Evaluation.objects.filter(suggestion=s, deputy_id=s.lead_deputy_id, round=1).first()
        out[s.pk] = ((s.first_work_rating, s.first_result_rating), (e.work_rating, e.result_rating) if e else ("", ""))
    return out


def _answered_again(cast, s):
    """`s` (answered) rated 不满意, handled again by the same units and answered a second time."""
    services.suggestion_evaluate(suggestion=s, actor=cast.deputy, work_rating=Rating.DISSATISFIED,
                                 result_rating=Rating.BASIC, comment="没有落实")
    services.suggestion_consult(suggestion=s, actor=cast.zhujian, form="none")
    services.suggestion_reply(suggestion=s, actor=cast.zhujian, data=reply_data("A"))
    return services.suggestion_approve_reply(suggestion=s, actor=cast.staff)


def test_every_door_that_creates_unit_rows_or_consultations_copies_the_suggestions_session(cast, tmp_path):
    other = session(OTHER)
    make(cast, State.ANSWERED)  # 交办 (lead and co-unit), 面商
    split = make(cast, State.ACCEPTED, co=[], sess=other, title="关于分办的建议")
    services.suggestion_assign(suggestion=split, actor=cast.staff, split_units=[cast.zhujian.unit, cast.huanbao.unit])
    again = _answered_again(cast, make(cast, State.ANSWERED, sess=other, title="关于重新办理的建议"))
    assert SuggestionUnit.objects.filter(suggestion=again, round=2).count() == 2  # a new round's rows
    assert Consultation.objects.filter(suggestion=again).count() == 2  # and its 面商
    run(workbook(tmp_path, [row(101), row(102)]))
    assert SuggestionUnit.objects.filter(suggestion__imported=True).count() == 4  # the import's rows
    for model in (SuggestionUnit, Consultation):
        pairs = _sessions_of_rows(model)
        assert len({s for s, _ in pairs}) == 2  # rows of both sessions
        assert all(mine == theirs for mine, theirs in pairs)


def test_every_door_that_records_the_lead_deputys_evaluation_copies_the_first_round(cast, tmp_path):
    concluded = make(cast, State.CONCLUDED)  # 满意 / 基本满意 in round 1
    again = _answered_again(cast, make(cast, State.ANSWERED, title="关于重新办理的建议"))
    services.suggestion_evaluate(suggestion=again, actor=cast.deputy, work_rating=Rating.SATISFIED,
                                 result_rating=Rating.SATISFIED)  # round 2: the first round stays
    expired = make(cast, State.ANSWERED, title="关于未表态的建议")
    services.suggestion_expire_evaluation(suggestion=expired, actor=cast.staff, today=datetime.date(2030, 1, 1))
    cfg = SuggestionSettings.load()
    cfg.cosigners_evaluate = True
    cfg.save()
    cosigned = make(cast, State.ANSWERED, title="关于附议评价的建议", confirmed=True)
    services.suggestion_evaluate(suggestion=cosigned, actor=cast.group_leader, work_rating=Rating.DISSATISFIED,
                                 result_rating=Rating.DISSATISFIED, comment="不满意")  # a co-signer's: not copied
    proxied = make(cast, State.ANSWERED, title="关于代为评价的建议")
    deputy = proxied.lead_deputy
    deputy.user = None
    deputy.save(update_fields=["user"])
    services.suggestion_evaluate(suggestion=proxied, actor=cast.staff, work_rating=Rating.BASIC,
                                 result_rating=Rating.DISSATISFIED, comment="结果不满意")
    run(workbook(tmp_path, [row(101, 办理工作评价="不满意")]))

    got = {pk: copied for pk, (copied, _e) in _first_ratings().items()}
    assert got[concluded.pk] == (Rating.SATISFIED, Rating.BASIC)
    assert got[again.pk] == (Rating.DISSATISFIED, Rating.BASIC)
    assert got[expired.pk] == (Rating.NO_ANSWER, Rating.NO_ANSWER)
    assert got[cosigned.pk] == ("", "")
    assert got[proxied.pk] == (Rating.BASIC, Rating.DISSATISFIED)
    assert got[Suggestion.objects.get(imported=True).pk] == (Rating.DISSATISFIED, Rating.BASIC)
    assert all(copied == evaluated for copied, evaluated in _first_ratings().values())


def test_the_migrations_backfill_fills_what_the_doors_fill(cast, tmp_path):
    other = session(OTHER)
    make(cast, State.CONCLUDED)
    _answered_again(cast, make(cast, State.ANSWERED, sess=other, title="关于重新办理的建议"))
    make(cast, State.HANDLING, sess=other, title="关于办理中的建议")
    def state():
        return (sorted(SuggestionUnit.objects.values_list("pk", "session_id")),
                sorted(Consultation.objects.values_list("pk", "session_id")),
                sorted(Suggestion.objects.values_list("pk", "first_work_rating", "first_result_rating")))

    by_doors = state()
    for model in (SuggestionUnit, Consultation):  # every row's session swapped
        model.objects.filter(session=session()).update(session=other)
        model.objects.filter(session=other, suggestion__session=other).update(session=session())
    Suggestion.objects.update(first_work_rating=Rating.NO_ANSWER, first_result_rating="")
    assert state() != by_doors
    migration = importlib.import_module("suggestions.migrations.0004_report_denormalized")
    with connection.schema_editor() as editor:
        migration.backfill(apps, editor)
    assert state() == by_doors
    assert all(len({s for _pk, s in rows}) == 2 for rows in by_doors[:2])
    assert {r[1] for r in by_doors[2]} == {"", Rating.SATISFIED, Rating.DISSATISFIED}


# The unit table's rows as the template rendered them with the `drill` and `rate_cell` tags.
TAG_ROWS = """{% load suggestion_report %}{% for u in units %}{% with c=u.counts %}
  <tr data-testid="unit-row">
    <td class="text-nowrap">{{ u.name }}</td><td>{% drill u.total "total" u.unit_id %}</td><td>{% drill u.accepted "accepted" u.unit_id %}</td><td>{% drill u.merged "merged" u.unit_id %}</td>
    <td>{% drill u.not_accepted "not_accepted" u.unit_id %}</td><td>{% drill u.answered "answered" u.unit_id %}</td><td>{% drill u.concluded "concluded" u.unit_id %}</td>
    <td>{% rate_cell u.completion_rate c.concluded "concluded" c.accepted "accepted" u.unit_id %}</td>
    {% for cls, n in u.classes %}<td>{% drill n "class_"|add:cls u.unit_id %}</td>{% endfor %}
    <td>{% rate_cell u.on_time_rate c.on_time "on_time" c.replied "replied" u.unit_id %}</td>
    <td>{% rate_cell u.meeting_rate c.met "met" c.answered "answered" u.unit_id %}</td>
    <td>{% rate_cell u.work_satisfaction_rate c.work_good "work_good" c.work_rated "work_rated" u.unit_id %}</td>
    <td>{% rate_cell u.result_satisfaction_rate c.result_good "result_good" c.result_rated "result_rated" u.unit_id %}</td>
    <td class="text-nowrap">{% drill u.work_unrated "work_unrated" u.unit_id %}/{% drill u.result_unrated "result_unrated" u.unit_id %}</td>
  </tr>
  {% endwith %}{% endfor %}"""  # noqa: E501


def test_the_unit_table_is_the_html_the_drill_tags_made(cast):
    make(cast, State.CONCLUDED)
    _answered_again(cast, make(cast, State.ANSWERED, title="关于重新办理的建议"))
    open_one = make(cast, State.ACCEPTED, co=[], title="关于治理河道污染的建议")
    services.suggestion_assign(suggestion=open_one, actor=cast.staff, lead_unit=cast.huanbao.unit)
    unit = cast.huanbao.unit
    unit.name = "淮北市相山区生态环境分局 & <测试>"
    unit.save(update_fields=["name"])
    units = unit_report(session())
    assert len(units) == 2 and any(u["completion_rate"] is None or u["meeting_rate"] is None for u in units)
    for printing in (False, True):
        ctx = {"session": session(), "units": units, "drill_base": reverse("suggestions:list"), "printing": printing}
        built = Template("{% load suggestion_report %}{% unit_rows units %}").render(Context(ctx))
        assert built == Template(TAG_ROWS).render(Context(ctx))
        assert ("&amp; &lt;测试&gt;" in built) and (("figure_unit=" in built) != printing)
