"""`manage.py import_suggestions`: exactly the issue's headers, all or nothing, idempotent on (会议, 案号),
refusals named by row; the imported timelines walk the transition table; `stats --suggestions`."""

import io
import itertools
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from deputies.choices import Level
from suggestions.choices import TRANSITIONS, State
from suggestions.models import Session, Suggestion, SuggestionEvent
from tests import factories

pytestmark = pytest.mark.django_db

HEADERS = ["会议", "案号", "领衔代表", "附议代表", "案由", "类别", "主办单位", "协办单位", "交办日期", "答复日期",
           "答复类别", "办理工作评价", "办理结果评价", "状态"]
SESSION = "区人大十二届一次会议"
ZJ, HB = "相山区住房和城乡建设局", "淮北市相山区生态环境分局"


def row(number, **extra):
    base = {"会议": SESSION, "案号": number, "领衔代表": "刘芳", "附议代表": "张伟、赵强",
            "案由": f"关于第{number}件事项的建议", "类别": "城乡建设/道路交通", "主办单位": ZJ, "协办单位": HB,
            "交办日期": "2026-03-10", "答复日期": "2026-05-20", "答复类别": "A", "办理工作评价": "满意",
            "办理结果评价": "基本满意", "状态": "已办结"}
    base.update(extra)
    return [base[h] for h in HEADERS]


def workbook(tmp_path, rows, name="suggestions.xlsx"):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for r in rows:
        ws.append(r)
    path = tmp_path / name
    wb.save(path)
    return str(path)


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_suggestions", path, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def stats(name=SESSION):
    out = io.StringIO()
    call_command("stats", "--suggestions", "--session", name, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_it_imports_a_107_row_concluded_session_with_a_completion_rate_of_100(cast, tmp_path):
    path = workbook(tmp_path, [row(n, 答复类别="ABC"[n % 3]) for n in range(1, 108)])
    run(path)
    assert Suggestion.objects.filter(session__name=SESSION, imported=True).count() == 107
    data = stats()
    assert set(data) == {"total", "accepted", "concluded", "completion_rate", "work_satisfaction_rate",
                         "result_satisfaction_rate", "classes", "on_time_rate", "units"}
    assert (data["total"], data["accepted"], data["concluded"]) == (107, 107, 107)
    assert data["completion_rate"] == 100.0
    assert data["work_satisfaction_rate"] == 100.0 and data["result_satisfaction_rate"] == 100.0
    assert data["classes"] == {"A": 35, "B": 36, "C": 36, "D": 0}
    assert data["on_time_rate"] == 100.0
    assert data["units"] == [{"name": ZJ, "assigned": 107, "concluded": 107, "completion_rate": 100.0}]
    # New live suggestions of the session are numbered after the imported ones.
    assert Session.objects.get(name=SESSION).last_number == 107


def test_it_changes_nothing_when_the_same_file_is_imported_twice(cast, tmp_path):
    path = workbook(tmp_path, [row(1), row(2, 状态="办理中", 答复日期="", 答复类别="", 办理工作评价="", 办理结果评价="")])
    run(path)
    events = SuggestionEvent.objects.count()
    out, _err = run(path)
    assert "已导入过(不变) 2" in out
    assert Suggestion.objects.count() == 2 and SuggestionEvent.objects.count() == events


def test_it_builds_timelines_that_walk_the_transition_table(cast, tmp_path):
    rows = [row(1), row(2, 状态="已答复", 办理工作评价="", 办理结果评价="", 答复类别="B"),
            row(3, 状态="不予立案", 主办单位="", 协办单位="", 交办日期="", 答复日期="", 答复类别="", 办理工作评价="",
                办理结果评价=""),
            row(4, 状态="并案", 主办单位="", 协办单位="", 交办日期="", 答复日期="", 答复类别="", 办理工作评价="",
                办理结果评价=""),
            row(5, 办理工作评价="", 办理结果评价="未表态"),
            row(6, 办理工作评价="不满意", 办理结果评价="不满意")]
    run(workbook(tmp_path, rows))
    states = dict(Suggestion.objects.values_list("number", "state"))
    assert states == {1: State.CONCLUDED, 2: State.ANSWERED, 3: State.NOT_ACCEPTED, 4: State.MERGED,
                      5: State.CONCLUDED, 6: State.CONCLUDED}
    for s in Suggestion.objects.all():
        events = list(SuggestionEvent.objects.filter(suggestion=s).order_by("created_at", "id"))
        assert events[0].from_state == State.DRAFT and events[-1].to_state == s.state
        for e in events:
            assert e.from_state in TRANSITIONS[e.action].sources, (s.number, e.action)
        for before, after in itertools.pairwise(events):
            assert after.from_state == before.to_state
    assert stats()["work_satisfaction_rate"] == 50.0  # rows 1 and 6 rated; 未表态 is not rated


def test_it_refuses_the_whole_file_and_names_each_refused_row(cast, tmp_path):
    other = factories.DeputyFactory(name="张伟")  # a second 张伟 at district level: ambiguous
    factories.MandateFactory(deputy=other, term=factories.CongressTermFactory(level=Level.DISTRICT, number=12))
    rows = [row(1), row(2, 领衔代表="不存在"), row(3, 附议代表="张伟"), row(4, 主办单位="区不存在局"),
            row(5, 状态="已办结", 答复日期=""), row(1), row(7, 答复日期="2026-01-01")]
    for r in rows[:2] + rows[3:]:
        r[HEADERS.index("附议代表")] = "赵强"
    path = workbook(tmp_path, rows)
    with pytest.raises(CommandError, match="6 行被拒绝"):
        run(path)
    assert not Suggestion.objects.exists() and not Session.objects.exists()
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_suggestions", path, stdout=io.StringIO(), stderr=err)
    text = err.getvalue()
    assert "第 3 行" in text and "不在区级代表名册中" in text
    assert "第 4 行" in text and "重名" in text
    assert "第 5 行" in text and "区不存在局" in text
    assert "第 6 行" in text and "须填写答复日期" in text
    assert "第 7 行" in text and "与第 2 行重复" in text
    assert "第 8 行" in text and "答复日期早于交办日期" in text
    assert "第 2 行" not in text.replace("与第 2 行", "")


def test_it_creates_missing_units_only_when_asked(cast, tmp_path):
    path = workbook(tmp_path, [row(1, 协办单位="区新设局")])
    with pytest.raises(CommandError):
        run(path)
    out, _err = run(path, "--create-units", "--dry-run")
    assert "将创建承办单位:区新设局" in out and not Suggestion.objects.exists()
    run(path, "--create-units")
    assert Suggestion.objects.get().units.filter(unit__name="区新设局", role="co").exists()


def test_it_refuses_a_file_with_other_headers(cast, tmp_path):
    wb = Workbook()
    wb.active.append(["会议", "案号", "领衔代表"])
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    with pytest.raises(CommandError, match="表头缺少"):
        run(str(path))


def test_it_matches_deputies_within_the_session_level(cast, tmp_path):
    city = factories.DeputyFactory(name="钱市代表")
    factories.MandateFactory(deputy=city, term=factories.CongressTermFactory(level=Level.CITY, number=17))
    with pytest.raises(CommandError):
        run(workbook(tmp_path, [row(1, 领衔代表="钱市代表", 附议代表="")]))


def test_stats_without_suggestions_keeps_its_required_period(cast):
    with pytest.raises(CommandError, match="--from"):
        call_command("stats", "--json", stdout=io.StringIO())
    with pytest.raises(CommandError, match="找不到会议"):
        call_command("stats", "--suggestions", "--session", "没有的会议", "--json", stdout=io.StringIO())
