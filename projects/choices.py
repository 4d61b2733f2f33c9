"""Choices of livelihood projects by deputy vote (民生实事项目票决) and the two transition tables of their
loops: the vote round (征集 → 候选项目 → 投票 → 已票决) and the passed project (实施中 → 已完工 → 已验收),
and a third, the supervision group's issues to fix (问题清单: 待整改 → 已整改 → 已销号, or back to 待整改).

`ROUND_TRANSITIONS`, `PROJECT_TRANSITIONS` and `ISSUE_TRANSITIONS` are the single source of truth for
which action may happen from which state and by whom; `projects/services.py` has one function per action and checks every call
against them through `core.loops.lock` (issue 12)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.loops import Transition, transition


class ElectorateKind(models.TextChoices):
    TOWN_CONGRESS = "town_congress", _("镇人民代表大会")
    RESIDENTS_MEETING = "residents_meeting", _("街道居民代表会议")


class RoundState(models.TextChoices):
    COLLECTING = "collecting", _("征集中")
    CANDIDATES = "candidates", _("候选项目已确定")
    VOTING = "voting", _("投票中")
    CLOSED = "closed", _("已票决")


class VoteMethod(models.TextChoices):
    PAPER = "paper", _("纸质选票(分票箱计票)")
    ELECTRONIC = "electronic", _("代表手机电子表决")


class Choice(models.TextChoices):
    YES = "yes", _("赞成")
    NO = "no", _("反对")
    ABSTAIN = "abstain", _("弃权")


class Outcome(models.TextChoices):
    WON = "won", _("当选,列为民生实事项目")
    PASSED_NOT_PLACED = "passed_not_placed", _("过半数但名额已满")
    TIED = "tied", _("得票相同,须在并列项目中重新票决")
    FAILED = "failed", _("赞成票未超过全体代表半数")


class IdeaSource(models.TextChoices):
    STAFF = "staff", _("工作人员录入")
    ITEM = "item", _("社情民意")


class ProjectState(models.TextChoices):
    IMPLEMENTING = "implementing", _("实施中")
    COMPLETED = "completed", _("已完工")
    ACCEPTED = "accepted", _("已验收")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


class RoundAction(models.TextChoices):
    CREATE = "create", _("创建票决年度")
    ADD_IDEA = "add_idea", _("登记征集意见")
    ADD_CANDIDATE = "add_candidate", _("录入候选项目")
    CONFIRM_CANDIDATES = "confirm_candidates", _("主席团确认候选项目")
    OPEN_VOTE = "open_vote", _("开始投票")
    VOTE = "vote", _("代表投票")
    ADD_BOX = "add_box", _("设立票箱")
    ENTER_TALLY = "enter_tally", _("录入计票")
    SIGN_OFF = "sign_off", _("监票人签字确认")
    CLOSE_VOTE = "close_vote", _("结束投票并计票")
    TAG_IDEA = "tag_idea", _("意见标签")
    MERGE_IDEA = "merge_idea", _("合并征集意见")


class ProjectAction(models.TextChoices):
    START = "start", _("列为民生实事项目")
    REPORT = "report", _("报送进度")
    COMPLETE = "complete", _("完工")
    ACCEPT = "accept", _("验收")
    RATE = "rate", _("满意度测评")
    GRADE = "grade", _("测评结果")
    SET_GROUP = "set_group", _("组建监督小组")
    INSPECT = "inspect", _("视察记录")
    RAISE_ISSUE = "raise_issue", _("提出整改问题")
    FOLLOW = "follow", _("关注项目")
    CLOSE_ISSUE = "close_issue", _("整改问题销号")  # recorded on the project; checked on the issue
    PLAN_MILESTONE = "plan_milestone", _("制定节点计划")
    CHANGE_MILESTONE = "change_milestone", _("调整节点计划")
    MILESTONE_DONE = "milestone_done", _("节点完成")
    PUBLISH_PHOTOS = "publish_photos", _("公开进度照片")


class GroupRole(models.TextChoices):
    LEADER = "leader", _("组长")
    MEMBER = "member", _("组员")


class IssueState(models.TextChoices):
    OPEN = "open", _("待整改")
    FIXED = "fixed", _("已整改")
    CLOSED = "closed", _("已销号")


class IssueAction(models.TextChoices):
    RAISE = "raise", _("提出问题")
    REPORT_FIXED = "report_fixed", _("报告已整改")
    CONFIRM = "confirm", _("监督小组确认销号")
    REOPEN = "reopen", _("退回重新整改")


class Actor(models.TextChoices):
    STAFF = "staff", _("人大工作人员")
    PRESIDIUM = "presidium", _("主席团(人大工委)工作人员")
    MEMBER = "member", _("本级代表")
    UNIT = "unit", _("责任单位")
    SUPERVISOR = "supervisor", _("监督小组成员")
    SYSTEM = "system", _("系统")


_EDITABLE = (RoundState.COLLECTING, RoundState.CANDIDATES)

ROUND_TRANSITIONS: dict[str, Transition] = {
    RoundAction.ADD_IDEA: transition((RoundState.COLLECTING,), (Actor.STAFF,), None),
    RoundAction.ADD_CANDIDATE: transition(_EDITABLE, (Actor.STAFF,), None),
    RoundAction.CONFIRM_CANDIDATES: transition((RoundState.COLLECTING,), (Actor.PRESIDIUM,), RoundState.CANDIDATES),
    # Only the presidium's staff open and close a vote (issue 12 "Bad input and safety").
    RoundAction.OPEN_VOTE: transition((RoundState.CANDIDATES,), (Actor.PRESIDIUM,), RoundState.VOTING),
    RoundAction.VOTE: transition((RoundState.VOTING,), (Actor.MEMBER,), None),
    RoundAction.ADD_BOX: transition((RoundState.VOTING,), (Actor.PRESIDIUM,), None),
    RoundAction.ENTER_TALLY: transition((RoundState.VOTING,), (Actor.PRESIDIUM,), None),
    RoundAction.SIGN_OFF: transition((RoundState.VOTING,), (Actor.PRESIDIUM,), None),
    RoundAction.CLOSE_VOTE: transition((RoundState.VOTING,), (Actor.PRESIDIUM,), RoundState.CLOSED),
    # Tags and merges tidy the collected ideas until the candidates are confirmed.
    RoundAction.TAG_IDEA: transition(_EDITABLE, (Actor.STAFF,), None),
    RoundAction.MERGE_IDEA: transition((RoundState.COLLECTING,), (Actor.STAFF,), None),
}

_LIVE = (ProjectState.IMPLEMENTING, ProjectState.COMPLETED, ProjectState.ACCEPTED)

PROJECT_TRANSITIONS: dict[str, Transition] = {
    ProjectAction.REPORT: transition((ProjectState.IMPLEMENTING,), (Actor.UNIT, Actor.STAFF), None),
    ProjectAction.COMPLETE: transition((ProjectState.IMPLEMENTING,), (Actor.UNIT, Actor.STAFF),
                                       ProjectState.COMPLETED),
    ProjectAction.ACCEPT: transition((ProjectState.COMPLETED,), (Actor.STAFF,), ProjectState.ACCEPTED),
    ProjectAction.RATE: transition(_LIVE, (Actor.MEMBER,), None),
    ProjectAction.GRADE: transition(_LIVE, (Actor.STAFF,), None),
    # Supervision (监督小组) runs through delivery and after it: an accepted project can still have issues.
    ProjectAction.SET_GROUP: transition(_LIVE, (Actor.STAFF,), None),
    ProjectAction.INSPECT: transition(_LIVE, (Actor.SUPERVISOR,), None),
    ProjectAction.RAISE_ISSUE: transition(_LIVE, (Actor.SUPERVISOR,), None),
    ProjectAction.FOLLOW: transition(_LIVE, (Actor.MEMBER, Actor.SUPERVISOR), None),
    # The plan (节点计划) follows the progress reports' rule: the responsible unit or staff, while in
    # delivery; a milestone may still be marked done after completion (the last one often is).
    ProjectAction.PLAN_MILESTONE: transition((ProjectState.IMPLEMENTING,), (Actor.UNIT, Actor.STAFF), None),
    ProjectAction.CHANGE_MILESTONE: transition((ProjectState.IMPLEMENTING,), (Actor.UNIT, Actor.STAFF), None),
    ProjectAction.MILESTONE_DONE: transition((ProjectState.IMPLEMENTING, ProjectState.COMPLETED),
                                             (Actor.UNIT, Actor.STAFF), None),
    # Only staff decide which progress photos the public page shows.
    ProjectAction.PUBLISH_PHOTOS: transition(_LIVE, (Actor.STAFF,), None),
}

# The unit answers an issue; only the supervision group closes it (销号) or sends it back.
ISSUE_TRANSITIONS: dict[str, Transition] = {
    IssueAction.REPORT_FIXED: transition((IssueState.OPEN,), (Actor.UNIT,), IssueState.FIXED),
    IssueAction.CONFIRM: transition((IssueState.FIXED,), (Actor.SUPERVISOR,), IssueState.CLOSED),
    IssueAction.REOPEN: transition((IssueState.FIXED,), (Actor.SUPERVISOR,), IssueState.OPEN),
}
