"""The one door for every state change of a deputy suggestion (STYLE.md "one door per change").

One function per action of `choices.TRANSITIONS`, keyword-only, on the loop engine (core.loops): it
opens a transaction, re-reads the suggestion under a row lock and checks the state and the actor
(`lock`), writes a SuggestionEvent (`record_event`), saves with update_fields and registers the
notifications (`notify_on_commit`). A refused call raises a `LoopError` whose message is shown to the
person as is, and changes nothing (its transaction is rolled back).

Deadlines go through core.loops: calendar months for the statutory clock (reply in 3 months, at most 6
with an approved extension, 1 month after 不满意), working days for the 7-day send-back window and the
20-day disclosure, plain days for the evaluation window.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from core.loops import (
    LoopError,
    NotAllowed,
    StaleState,
    allowed_actions,
    due_in_days,
    due_in_months,
    due_in_workdays,
    lock,
    notify_on_commit,
    record_event,
)

from .choices import (
    GIVEN_RATINGS,
    NOT_ADOPTED_CLASSES,
    PLANNED_CLASSES,
    REPLYING_ROLES,
    TRANSITIONS,
    Action,
    Actor,
    ConsultationAnswer,
    ConsultationForm,
    ConsultationLevel,
    Rating,
    RejectGround,
    ReplyClass,
    RequestKind,
    RequestStatus,
    State,
    UnitRole,
)
from .models import (
    Consultation,
    CoSigner,
    Evaluation,
    HandlingRequest,
    Reply,
    Session,
    Suggestion,
    SuggestionAttachment,
    SuggestionEvent,
    SuggestionSettings,
    SuggestionUnit,
)

MAX_TEXT = 20000

__all__ = ["DuplicateSubmission", "LoopError", "NotAllowed", "StaleState"]  # re-exported for callers that catch them


# ---------------------------------------------------------------------------------------------
# Who is acting


def _is_district_staff(user) -> bool:
    return user.has_role(Role.ADMIN, Role.DISTRICT_STAFF)


def current_parts(suggestion, unit_id=None):
    qs = SuggestionUnit.objects.filter(suggestion=suggestion, is_current=True, cancelled_at__isnull=True)
    return qs.filter(unit_id=unit_id) if unit_id else qs


def actor_kinds(user, suggestion) -> set[str]:
    """Every `Actor` the user is for this suggestion (the checks and the page's buttons use it)."""
    if user is None:
        return {Actor.SYSTEM}
    if not user.is_authenticated:
        return set()
    kinds = set()
    deputy = user.deputy_profile
    if deputy is not None:
        if suggestion.lead_deputy_id == deputy.pk:
            kinds |= {Actor.DEPUTY, Actor.OWNER}
        elif CoSigner.objects.filter(suggestion=suggestion, deputy=deputy).exists():
            kinds.add(Actor.COSIGNER)
    if suggestion.entered_by_id == user.pk:
        kinds.add(Actor.OWNER)
    if _is_district_staff(user):
        kinds.add(Actor.STAFF)
        if suggestion.state == State.ANSWERED and suggestion.lead_deputy.user_id is None:
            kinds.add(Actor.PROXY)
    if user.has_role(Role.UNIT) and user.unit_id:
        for role in current_parts(suggestion, user.unit_id).values_list("role", flat=True):
            kinds.add(Actor.LEAD_UNIT if role in REPLYING_ROLES else Actor.CO_UNIT)
    return kinds


def suggestion_actions(user, suggestion) -> set[str]:
    """The actions this user could take now (the suggestion page shows these buttons)."""
    if user.is_authenticated and user.is_read_only:
        return set()
    return allowed_actions(TRANSITIONS, suggestion.state, actor_kinds(user, suggestion))


def _stale(suggestion) -> str:
    last = suggestion.events.select_related("actor").order_by("-created_at", "-id").first()
    who = (str(last.actor) if last.actor_id else _("系统")) if last else _("他人")
    return _("该建议已被 %(who)s 处理(当前状态:%(state)s),请刷新后查看。") % {
        "who": who, "state": suggestion.get_state_display()}


def _not_allowed(action) -> str:
    return _("您无权对该建议执行“%(action)s”。") % {"action": Action(action).label}


def _lock(suggestion, action, actor) -> tuple[Suggestion, set[str]]:
    return lock(suggestion, action, actor, table=TRANSITIONS, actor_kinds=actor_kinds, stale_message=_stale,
                not_allowed_message=_not_allowed, model=Suggestion, missing_message=_("建议不存在。"))


def _text(value, label, *, required=True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise LoopError(_("请填写%(label)s。") % {"label": label})
    if len(value) > MAX_TEXT:
        raise LoopError(_("%(label)s过长(最多 %(n)s 字)。") % {"label": label, "n": MAX_TEXT})
    return value


def _choice(value, choices, label, *, required=True) -> str:
    if not value and not required:
        return ""
    if value not in choices.values:
        raise LoopError(_("请选择%(label)s。") % {"label": label})
    return value


def _event(s, action, actor, from_state, *, comment="", unit=None, data=None, at=None) -> SuggestionEvent:
    return record_event(SuggestionEvent, action=action, actor=actor, from_state=from_state, to_state=s.state,
                        comment=comment, data=data or {}, at=at, suggestion=s, actor_unit=unit)


def _notify(s, event, recipients, title, *, task="", part=""):
    recipients = [r for r in recipients if r is not None]
    if not recipients:
        return
    notify_on_commit(key=f"suggestion:{s.pk}:event:{event.pk}" + (f":{part}" if part else ""),
                     kind=f"suggestion.{event.action}", recipients=recipients,
                     title=f"{title}:{s.title}"[:200], body=event.comment[:500], subject=f"suggestion:{s.pk}",
                     task=task)


def _district_staff():
    from accounts.models import User

    return list(User.objects.filter(is_active=True, groups__name=Role.DISTRICT_STAFF))


def _unit(actor):
    return actor.unit if actor is not None and actor.is_authenticated and actor.unit_id else None


def _today() -> datetime.date:
    return timezone.localdate()


# ---------------------------------------------------------------------------------------------
# 草稿 → 已提交: create, edit, co-sign, submit, withdraw


def _clean_draft(data: dict) -> dict:
    out = {}
    if "title" in data:
        out["title"] = _text(data["title"], _("案由"))[:200]
    if "body" in data:
        out["body"] = _text(data["body"], _("内容"), required=False)
    for name in ("category", "consent_public", "from_motion"):
        if name in data:
            out[name] = data[name]
    return out


class DuplicateSubmission(StaleState):
    """The new-suggestion form was already sent once (its one-time token is used): `suggestion` is the
    one the first submission made; nothing new was created."""

    def __init__(self, message, suggestion):
        super().__init__(message)
        self.suggestion = suggestion


def _refuse_used_token(token):
    first = Suggestion.objects.filter(submission_token=token).first()
    if first is not None:
        raise DuplicateSubmission(_("这份建议已经保存过了,没有重复创建。"), first)


def _store_files(s, files, actor):
    for f in files or ():
        SuggestionAttachment.objects.create(
            suggestion=s, file=f, name=getattr(f, "name", "file")[:200], size=getattr(f, "size", 0) or 0,
            content_type=getattr(f, "xs_content_type", "") or "application/octet-stream", uploaded_by=actor)


def suggestion_create(*, actor, session: Session, lead_deputy, data: dict, co_deputies=(), files=(),
                      submission_token=None) -> Suggestion:
    """A new draft (草稿) by the lead deputy, or entered by staff for them. `files` were checked by the
    form (petitions.files.validate_attachment) and are stored as the suggestion's attachments.

    `submission_token`: the form's one-time token; a used one (double click, parallel POSTs) raises
    DuplicateSubmission with the first suggestion and creates nothing (the unique index decides races)."""
    if actor.is_read_only:
        raise NotAllowed(_("领导账号只能查看,不能办理。"))
    own = actor.deputy_profile is not None and actor.deputy_profile.pk == lead_deputy.pk
    if not own and not _is_district_staff(actor):
        raise NotAllowed(_("只有领衔代表本人或人大工作人员可以提出建议。"))
    if not session.open_for_submissions:
        raise LoopError(_("“%(session)s”目前不接收建议。") % {"session": session.name})
    fields = _clean_draft({"title": "", "body": "", **data})
    co = [d for d in dict.fromkeys(co_deputies) if d.pk != lead_deputy.pk]
    if submission_token is not None:
        _refuse_used_token(submission_token)
    try:
        with transaction.atomic():
            s = Suggestion.objects.create(session=session, lead_deputy=lead_deputy, entered_by=actor,
                                          submission_token=submission_token, **fields)
            CoSigner.objects.bulk_create([CoSigner(suggestion=s, deputy=d) for d in co])
            _store_files(s, files, actor)
            _event(s, Action.CREATE, actor, "", data={"co_deputies": [d.name for d in co]})
    except IntegrityError:
        if submission_token is not None:
            _refuse_used_token(submission_token)  # the parallel POST committed first
        raise
    return s


def suggestion_edit(*, suggestion, actor, data: dict, co_deputies=None, files=()) -> Suggestion:
    """Change a draft. `co_deputies` (when given) is the new list of co-signers: those removed go, those
    added come unconfirmed, those kept keep their confirmation; `files` are added as attachments."""
    with transaction.atomic():
        s, _kinds = _lock(suggestion, Action.EDIT, actor)
        fields = _clean_draft(data)
        for name, value in fields.items():
            setattr(s, name, value)
        s.save(update_fields=list(fields))
        extra = {"fields": sorted(fields)}
        if co_deputies is not None:
            wanted = {d.pk: d for d in co_deputies if d.pk != s.lead_deputy_id}
            have = set(CoSigner.objects.filter(suggestion=s).values_list("deputy_id", flat=True))
            CoSigner.objects.filter(suggestion=s).exclude(deputy_id__in=list(wanted)).delete()
            CoSigner.objects.bulk_create([CoSigner(suggestion=s, deputy=d) for pk, d in wanted.items()
                                          if pk not in have])
            extra["co_deputies"] = [d.name for d in wanted.values()]
        _store_files(s, files, actor)
        _event(s, Action.EDIT, actor, s.state, data=extra)
    return s


def suggestion_cosign(*, suggestion, actor, deputy=None, on_paper: bool = False) -> CoSigner:
    """A co-signer (附议) confirms in the product; or staff record the paper signature of `deputy`."""
    with transaction.atomic():
        s, kinds = _lock(suggestion, Action.COSIGN, actor)
        if on_paper:
            if Actor.STAFF not in kinds:
                raise NotAllowed(_("只有人大工作人员可以录入纸质附议签名。"))
        else:
            if Actor.COSIGNER not in kinds:
                raise NotAllowed(_("只有附议代表本人可以确认附议。"))
            deputy = actor.deputy_profile
        row = CoSigner.objects.select_for_update().filter(suggestion=s, deputy=deputy).first()
        if row is None:
            raise LoopError(_("该代表不是这件建议的附议代表。"))
        if row.confirmed_at is not None:
            raise StaleState(_("%(name)s 已确认附议,请刷新后查看。") % {"name": deputy.name})
        row.confirmed_at, row.on_paper, row.confirmed_by = timezone.now(), on_paper, actor
        row.save(update_fields=["confirmed_at", "on_paper", "confirmed_by"])
        _event(s, Action.COSIGN, actor, s.state, comment=deputy.name, data={"deputy": deputy.pk, "on_paper": on_paper})
    return row


def suggestion_submit(*, suggestion, actor) -> Suggestion:
    with transaction.atomic():
        s, _kinds = _lock(suggestion, Action.SUBMIT, actor)
        if not s.title.strip():
            raise LoopError(_("请填写案由。"))
        if not s.body.strip():
            raise LoopError(_("请填写建议内容。"))
        old = s.state
        s.state, s.submitted_at = State.SUBMITTED, timezone.now()
        s.save(update_fields=["state", "submitted_at"])
        event = _event(s, Action.SUBMIT, actor, old)
        _notify(s, event, _district_staff(), _("新的代表建议待登记"), task="register")
    return s


def suggestion_withdraw(*, suggestion, actor, comment: str = "") -> Suggestion:
    with transaction.atomic():
        s, _kinds = _lock(suggestion, Action.WITHDRAW, actor)
        old, s.state = s.state, State.WITHDRAWN
        s.save(update_fields=["state"])
        _event(s, Action.WITHDRAW, actor, old, comment=_text(comment, _("说明"), required=False))
    return s


# ---------------------------------------------------------------------------------------------
# 登记, 审查, 立案 / 并案 / 不予立案


def suggestion_register(*, suggestion, actor) -> Suggestion:
    """登记: the next number of the session's counter (locked, so two registrations never share one;
    the counter never goes back, so a number is never reused)."""
    with transaction.atomic():
        s, _kinds = _lock(suggestion, Action.REGISTER, actor)
        Session.objects.filter(pk=s.session_id).update(last_number=F("last_number") + 1)
        number = Session.objects.values_list("last_number", flat=True).get(pk=s.session_id)
        old = s.state
        s.state, s.number, s.registered_at = State.REGISTERED, number, timezone.now()
        s.save(update_fields=["state", "number", "registered_at"])
        s.session.refresh_from_db(fields=["last_number"])
        event = _event(s, Action.REGISTER, actor, old, comment=s.display_number, data={"number": number})
        _notify(s, event, [s.lead_deputy], _("您的建议已登记"))
    return s


def suggestion_start_review(*, suggestion, actor) -> Suggestion:
    with transaction.atomic():
        s, _kinds = _lock(suggestion, Action.START_REVIEW, actor)
        old, s.state = s.state, State.REVIEWING
        s.save(update_fields=["state"])
        _event(s, Action.START_REVIEW, actor, old)
    return s


def suggestion_accept(*, suggestion, actor, comment: str = "") -> Suggestion:
    """立案."""
    with transaction.atomic():
        s, _kinds = _lock(suggestion, Action.ACCEPT, actor)
        old = s.state
        s.state, s.accepted_at = State.ACCEPTED, timezone.now()
        s.save(update_fields=["state", "accepted_at"])
        _event(s, Action.ACCEPT, actor, old, comment=_text(comment, _("说明"), required=False))
    return s


def suggestion_merge(*, suggestion, actor, master, comment: str = "") -> Suggestion:
    """并案: merged into `master` of the same session, which is answered for every deputy."""
    with transaction.atomic():
        s, _kinds = _lock(suggestion, Action.MERGE, actor)
        if master is None or master.pk == s.pk:
            raise LoopError(_("请选择要并入的建议。"))
        master = Suggestion.objects.filter(pk=master.pk).first()
        if master is None or master.session_id != s.session_id:
            raise LoopError(_("只能并入同一次会议的建议。"))
        if master.state in (State.MERGED, State.NOT_ACCEPTED, State.WITHDRAWN, State.DRAFT, State.SUBMITTED):
            raise LoopError(_("所选建议%(state)s,不能作为并案的主件。") % {"state": master.get_state_display()})
        old = s.state
        s.state, s.merged_into = State.MERGED, master
        s.save(update_fields=["state", "merged_into"])
        event = _event(s, Action.MERGE, actor, old, comment=_text(comment, _("说明"), required=False),
                       data={"master": master.pk})
        _notify(s, event, [s.lead_deputy], _("您的建议已并案办理"))
    return s


def suggestion_reject(*, suggestion, actor, ground: str, reason: str = "") -> Suggestion:
    """不予立案: one of the five statutory grounds, or 其他 with a written reason."""
    with transaction.atomic():
        s, _kinds = _lock(suggestion, Action.REJECT, actor)
        ground = _choice(ground, RejectGround, _("不予立案理由"))
        reason = _text(reason, _("不予立案说明"), required=ground == RejectGround.OTHER)
        old = s.state
        s.state, s.reject_ground, s.reject_reason = State.NOT_ACCEPTED, ground, reason
        s.save(update_fields=["state", "reject_ground", "reject_reason"])
        event = _event(s, Action.REJECT, actor, old, comment=reason or str(RejectGround(ground).label),
                       data={"ground": ground})
        _notify(s, event, [s.lead_deputy], _("您的建议不予立案"))
    return s


# ---------------------------------------------------------------------------------------------
# 交办 and 办理


def suggestion_assign(*, suggestion, actor, lead_unit=None, co_units=(), split_units=(), lead_leader: str = "",
                      supervising_committee: str = "", key_supervision: bool = False) -> Suggestion:
    """交办: a lead unit with co-units, or 分办 to several units that each answer separately. The reply
    is due `reply_months` calendar months after assignment."""
    with transaction.atomic():
        s, _kinds = _lock(suggestion, Action.ASSIGN, actor)
        split_units = list(dict.fromkeys(split_units))
        co_units = list(dict.fromkeys(u for u in co_units if u != lead_unit))
        if lead_unit is None and not split_units:
            raise LoopError(_("请选择主办单位,或选择分办单位。"))
        if lead_unit is not None and split_units:
            raise LoopError(_("主办与分办只能选一种方式。"))
        if split_units and len(split_units) < 2:
            raise LoopError(_("分办须至少选择两个单位;只有一个单位时请选择主办。"))
        if split_units and co_units:
            raise LoopError(_("分办时不设协办单位。"))
        inactive = [u.name for u in [lead_unit, *co_units, *split_units] if u is not None and not u.is_active]
        if inactive:
            raise LoopError(_("承办单位已停用:%(names)s") % {"names": "、".join(inactive)})
        cfg = SuggestionSettings.load()
        now = timezone.now()
        today = timezone.localdate(now)
        due = due_in_months(today, cfg.reply_months)
        co_due = due_in_months(today, cfg.co_opinion_months)
        s.handling_round = max(s.handling_round, 0) + 1
        rows = ([SuggestionUnit(suggestion=s, unit=lead_unit, role=UnitRole.LEAD, due_date=due)] if lead_unit else [])
        rows += [SuggestionUnit(suggestion=s, unit=u, role=UnitRole.CO, due_date=co_due) for u in co_units]
        rows += [SuggestionUnit(suggestion=s, unit=u, role=UnitRole.SPLIT, due_date=due) for u in split_units]
        for row in rows:
            row.round, row.assigned_at, row.session_id = s.handling_round, now, s.session_id
        SuggestionUnit.objects.bulk_create(rows)
        old = s.state
        s.state, s.assigned_at, s.reply_due, s.extension_months = State.HANDLING, now, due, 0
        s.lead_leader = _text(lead_leader, _("领办领导"), required=False)[:50]
        s.supervising_committee = _text(supervising_committee, _("督办工委"), required=False)[:50]
        s.key_supervision = bool(key_supervision)
        s.save(update_fields=["state", "assigned_at", "reply_due", "extension_months", "handling_round",
                              "lead_leader", "supervising_committee", "key_supervision"])
        names = [r.unit.name for r in rows]
        event = _event(s, Action.ASSIGN, actor, old, comment=_("交办 %(units)s") % {"units": "、".join(names)},
                       data={"lead": lead_unit.name if lead_unit else None, "co": [u.name for u in co_units],
                             "split": [u.name for u in split_units], "due": due.isoformat()})
        _notify(s, event, [r.unit for r in rows], _("新交办的代表建议"), task="handle")
    return s


def _pending(s, kind):
    return HandlingRequest.objects.filter(suggestion=s, kind=kind, status=RequestStatus.PENDING)


def suggestion_request_return(*, suggestion, actor, reason: str) -> HandlingRequest:
    """A unit asks to send it back (wrongly assigned), only within 7 working days of assignment."""
    with transaction.atomic():
        s, _kinds = _lock(suggestion, Action.REQUEST_RETURN, actor)
        reason = _text(reason, _("退回理由"))
        cfg = SuggestionSettings.load()
        part = current_parts(s, actor.unit_id).first()
        if _today() > due_in_workdays(timezone.localdate(part.assigned_at), cfg.return_window_workdays):
            raise LoopError(_("交办已超过 %(n)s 个工作日,不能再申请退回。") % {"n": cfg.return_window_workdays})
        if _pending(s, RequestKind.RETURN).exists():
            raise LoopError(_("已有待审批的退回申请。"))
        req = HandlingRequest.objects.create(suggestion=s, unit=actor.unit, kind=RequestKind.RETURN, reason=reason,
                                             requested_by=actor)
        event = _event(s, Action.REQUEST_RETURN, actor, s.state, comment=reason, unit=actor.unit,
                       data={"request": req.pk})
        _notify(s, event, _district_staff(), _("承办单位申请退回建议"), task=f"request:{req.pk}")
    return req


def suggestion_decide_return(*, suggestion, actor, approve: bool, comment: str = "") -> Suggestion:
    """Staff decide a send-back request; approved, every unit's part ends and it is 已立案 again."""
    with transaction.atomic():
        s, _kinds = _lock(suggestion, Action.DECIDE_RETURN, actor)
        req = _pending(s, RequestKind.RETURN).select_for_update().first()
        if req is None:
            raise StaleState(_("没有待审批的退回申请,请刷新后查看。"))
        comment = _text(comment, _("审批意见"), required=not approve)
        now = timezone.now()
        req.status = RequestStatus.APPROVED if approve else RequestStatus.REFUSED
        req.decided_by, req.decided_at, req.decision_comment = actor, now, comment
        req.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
        old = s.state
        if approve:
            current_parts(s).update(cancelled_at=now, is_current=False)
            s.state, s.reply_due = State.ACCEPTED, None
            s.save(update_fields=["state", "reply_due"])
        event = _event(s, Action.DECIDE_RETURN, actor, old, comment=comment, data={"approved": approve,
                                                                                   "request": req.pk})
        _notify(s, event, [req.unit], _("退回申请已同意") if approve else _("退回申请未同意"))
    return s


def suggestion_request_extension(*, suggestion, actor, months: int, explanation: str) -> HandlingRequest:
    """An extension: a written explanation to the deputy; in all at most `extension_max_months` from 交办."""
    with transaction.atomic():
        s, _kinds = _lock(suggestion, Action.REQUEST_EXTENSION, actor)
        explanation = _text(explanation, _("给代表的书面说明"))
        cfg = SuggestionSettings.load()
        if s.handling_round > 1:
            raise LoopError(_("不满意后重新办理的建议须在 %(n)s 个月内答复,不能延期。") % {"n": cfg.rehandle_months})
        try:
            months = int(months)
        except (TypeError, ValueError):
            months = 0
        allowed = cfg.extension_max_months - cfg.reply_months - s.extension_months
        if months < 1:
            raise LoopError(_("请填写延期月数。"))
        if months > allowed:
            raise LoopError(_("延期后答复期限不能超过交办后 %(max)s 个月(最多还可延期 %(n)s 个月)。") % {
                "max": cfg.extension_max_months, "n": max(allowed, 0)})
        if _pending(s, RequestKind.EXTENSION).exists():
            raise LoopError(_("已有待审批的延期申请。"))
        req = HandlingRequest.objects.create(suggestion=s, unit=actor.unit, kind=RequestKind.EXTENSION,
                                             reason=explanation, months=months, requested_by=actor)
        event = _event(s, Action.REQUEST_EXTENSION, actor, s.state, comment=explanation, unit=actor.unit,
                       data={"request": req.pk, "months": months})
        _notify(s, event, _district_staff(), _("承办单位申请延期答复"), task=f"request:{req.pk}")
        _notify(s, event, [s.lead_deputy], _("承办单位申请延期答复的说明"), part="deputy")
    return req


def suggestion_decide_extension(*, suggestion, actor, approve: bool, comment: str = "") -> Suggestion:
    with transaction.atomic():
        s, _kinds = _lock(suggestion, Action.DECIDE_EXTENSION, actor)
        req = _pending(s, RequestKind.EXTENSION).select_for_update().first()
        if req is None:
            raise StaleState(_("没有待审批的延期申请,请刷新后查看。"))
        comment = _text(comment, _("审批意见"), required=not approve)
        req.status = RequestStatus.APPROVED if approve else RequestStatus.REFUSED
        req.decided_by, req.decided_at, req.decision_comment = actor, timezone.now(), comment
        req.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
        data = {"approved": approve, "request": req.pk}
        if approve:
            s.extension_months += req.months
            # Counted from the assignment, so the limit is on the whole span (at most 6 months).
            cfg = SuggestionSettings.load()
            s.reply_due = due_in_months(timezone.localdate(s.assigned_at), cfg.reply_months + s.extension_months)
            s.save(update_fields=["extension_months", "reply_due"])
            current_parts(s).filter(role__in=REPLYING_ROLES).update(due_date=s.reply_due)
            data["due"] = s.reply_due.isoformat()
        event = _event(s, Action.DECIDE_EXTENSION, actor, s.state, comment=comment, data=data)
        _notify(s, event, [req.unit], _("延期申请已同意") if approve else _("延期申请未同意"))
    return s


def suggestion_co_opinion(*, suggestion, actor, opinion: str) -> SuggestionUnit:
    """A co-unit (协办) sends its opinion to the lead unit."""
    with transaction.atomic():
        s, _kinds = _lock(suggestion, Action.CO_OPINION, actor)
        opinion = _text(opinion, _("协办意见"))
        part = current_parts(s, actor.unit_id).filter(role=UnitRole.CO).select_for_update().first()
        if part.done_at is not None:
            raise StaleState(_("本单位已提交协办意见,请刷新后查看。"))
        part.opinion, part.done_at = opinion, timezone.now()
        part.save(update_fields=["opinion", "done_at"])
        event = _event(s, Action.CO_OPINION, actor, s.state, comment=opinion, unit=actor.unit)
        leads = [p.unit for p in current_parts(s).filter(role=UnitRole.LEAD).select_related("unit")]
        _notify(s, event, leads, _("协办单位已提交意见"))
    return part


def suggestion_consult(*, suggestion, actor, form: str, date=None, person_name: str = "",
                       person_level: str = "", note: str = "") -> Consultation:
    """The 面商 record before the reply: form, date, the unit person and their level."""
    with transaction.atomic():
        s, _kinds = _lock(suggestion, Action.CONSULT, actor)
        form = _choice(form, ConsultationForm, _("面商形式"))
        met = form != ConsultationForm.NONE
        if met and date is None:
            raise LoopError(_("请填写面商日期。"))
        if date is not None and date > _today():
            raise LoopError(_("面商日期不能晚于今天。"))
        person_name = _text(person_name, _("单位人员姓名"), required=met)[:30]
        person_level = _choice(person_level, ConsultationLevel, _("人员层级"), required=met)
        row = Consultation.objects.create(
            suggestion=s, session_id=s.session_id, unit=actor.unit, round=s.handling_round, form=form, date=date,
            person_name=person_name, person_level=person_level, note=_text(note, _("情况"), required=False), recorded_by=actor)
        event = _event(s, Action.CONSULT, actor, s.state, comment=str(ConsultationForm(form).label),
                       unit=actor.unit, data={"consultation": row.pk})
        _notify(s, event, [s.lead_deputy], _("请确认面商情况"), task=f"consultation:{row.pk}")
    return row


def suggestion_confirm_consultation(*, suggestion, actor, consultation, agree: bool,
                                    comment: str = "") -> Consultation:
    """The deputy confirms or disputes a 面商 record."""
    with transaction.atomic():
        s, _kinds = _lock(suggestion, Action.CONFIRM_CONSULTATION, actor)
        row = Consultation.objects.select_for_update().filter(pk=getattr(consultation, "pk", consultation),
                                                              suggestion=s).first()
        if row is None:
            raise LoopError(_("面商记录不存在。"))
        if row.answer != ConsultationAnswer.PENDING:
            raise StaleState(_("该面商记录已确认过,请刷新后查看。"))
        row.answer = ConsultationAnswer.CONFIRMED if agree else ConsultationAnswer.DISPUTED
        row.answer_comment = _text(comment, _("异议说明"), required=not agree)
        row.save(update_fields=["answer", "answer_comment"])
        event = _event(s, Action.CONFIRM_CONSULTATION, actor, s.state, comment=row.get_answer_display(),
                       data={"consultation": row.pk, "agree": agree})
        _notify(s, event, [row.unit], _("代表已确认面商") if agree else _("代表对面商有异议"))
    return row


REPLY_FIELDS = ("doc_number", "signer", "contact_name", "contact_phone", "reply_class", "body", "adoption",
                "measures_done", "planned_measures", "planned_date", "not_adopted_reason", "co_opinions")


def _clean_reply(data: dict, cfg) -> dict:
    out = {}
    out["reply_class"] = _choice(data.get("reply_class"), ReplyClass, _("答复类别"))
    if out["reply_class"] == ReplyClass.D and not cfg.class_d_enabled:
        raise LoopError(_("本区未启用 D 类答复,请选择 A、B 或 C 类。"))
    for name, label, limit in (("doc_number", _("文号"), 60), ("signer", _("签发人"), 30),
                               ("contact_name", _("联系人"), 30), ("contact_phone", _("联系电话"), 20)):
        out[name] = _text(data.get(name), label)[:limit]
    out["body"] = _text(data.get("body"), _("答复内容"))
    out["adoption"] = _text(data.get("adoption"), _("采纳情况"), required=False)
    out["measures_done"] = _text(data.get("measures_done"), _("已采取措施"), required=False)
    planned = out["reply_class"] in PLANNED_CLASSES
    out["planned_measures"] = _text(data.get("planned_measures"), _("计划措施"), required=planned)
    out["planned_date"] = data.get("planned_date")
    if planned and out["planned_date"] is None:
        raise LoopError(_("B、C 类答复须填写计划完成日期。"))
    out["not_adopted_reason"] = _text(data.get("not_adopted_reason"), _("未采纳理由"),
                                      required=out["reply_class"] in NOT_ADOPTED_CLASSES)
    out["co_opinions"] = _text(data.get("co_opinions"), _("协办单位意见"), required=False)
    return out


def suggestion_reply(*, suggestion, actor, data: dict, signed_pdf=None) -> Reply:
    """答复 by the lead unit (or a 分办 unit). Needs a 面商 record of this round first, the co-units'
    opinions stated when there are co-units, and B/C a plan with a date; the last replying unit's
    answer moves it to 待审核."""
    with transaction.atomic():
        s, _kinds = _lock(suggestion, Action.REPLY, actor)
        cfg = SuggestionSettings.load()
        fields = _clean_reply(data, cfg)
        part = current_parts(s, actor.unit_id).filter(role__in=REPLYING_ROLES).select_for_update().first()
        if part.done_at is not None:
            raise StaleState(_("本单位已答复,请刷新后查看。"))
        if not Consultation.objects.filter(suggestion=s, unit=actor.unit, round=s.handling_round).exists():
            raise LoopError(_("答复前请先记录与代表的面商情况(未沟通也须记录)。"))
        if part.role == UnitRole.LEAD and current_parts(s).filter(role=UnitRole.CO).exists() \
                and not fields["co_opinions"]:
            raise LoopError(_("请在答复中写明协办单位的意见。"))
        if signed_pdf is not None and getattr(signed_pdf, "xs_content_type", "") != "application/pdf":
            raise LoopError(_("签发件须为 PDF 文件。"))
        now = timezone.now()
        pdf = None
        if signed_pdf is not None:
            pdf = SuggestionAttachment.objects.create(suggestion=s, file=signed_pdf, name=signed_pdf.name[:200],
                                                      content_type="application/pdf", size=signed_pdf.size,
                                                      uploaded_by=actor)
        reply = Reply.objects.create(suggestion=s, unit=actor.unit, round=s.handling_round, signed_pdf=pdf,
                                     submitted_by=actor, submitted_at=now, **fields)
        part.done_at = now
        part.save(update_fields=["done_at"])
        old = s.state
        waiting = current_parts(s).filter(role__in=REPLYING_ROLES, done_at__isnull=True).exists()
        update = []
        if not waiting:
            s.state, s.reply_class = State.REVIEW, fields["reply_class"]
            update += ["state", "reply_class"]
            if s.handling_round == 1 and s.first_replied_at is None:
                s.first_replied_at, s.replied_on_time = now, timezone.localdate(now) <= s.reply_due
                update += ["first_replied_at", "replied_on_time"]
            s.save(update_fields=update)
        event = _event(s, Action.REPLY, actor, old, comment=str(ReplyClass(fields["reply_class"]).label),
                       unit=actor.unit, data={"reply": reply.pk, "class": fields["reply_class"]})
        if not waiting:
            _notify(s, event, _district_staff(), _("建议答复待审核"), task="review")
    return reply


# ---------------------------------------------------------------------------------------------
# 审核 → 已答复


def suggestion_send_back(*, suggestion, actor, reason: str) -> Suggestion:
    """Staff send the reply back to the units (the replies of this round are reopened)."""
    with transaction.atomic():
        s, _kinds = _lock(suggestion, Action.SEND_BACK, actor)
        reason = _text(reason, _("退回理由"))
        now = timezone.now()
        Reply.objects.filter(suggestion=s, round=s.handling_round, sent_back_at__isnull=True).update(sent_back_at=now)
        units = [p.unit for p in current_parts(s).filter(role__in=REPLYING_ROLES).select_related("unit")]
        current_parts(s).filter(role__in=REPLYING_ROLES).update(done_at=None)
        old, s.state = s.state, State.HANDLING
        s.save(update_fields=["state"])
        event = _event(s, Action.SEND_BACK, actor, old, comment=reason)
        _notify(s, event, units, _("建议答复被退回,请重新答复"), task="handle")
    return s


def suggestion_change_class(*, suggestion, actor, reply_class: str, reason: str) -> Suggestion:
    with transaction.atomic():
        s, _kinds = _lock(suggestion, Action.CHANGE_CLASS, actor)
        cfg = SuggestionSettings.load()
        reply_class = _choice(reply_class, ReplyClass, _("答复类别"))
        if reply_class == ReplyClass.D and not cfg.class_d_enabled:
            raise LoopError(_("本区未启用 D 类答复,请选择 A、B 或 C 类。"))
        if reply_class == s.reply_class:
            raise LoopError(_("答复类别未改变。"))
        reason = _text(reason, _("调整理由"))
        old_class, s.reply_class = s.reply_class, reply_class
        s.save(update_fields=["reply_class"])
        _event(s, Action.CHANGE_CLASS, actor, s.state, comment=reason, data={"from": old_class, "to": reply_class})
    return s


def suggestion_approve_reply(*, suggestion, actor, comment: str = "") -> Suggestion:
    """审核通过: the reply reaches the deputy (已答复); the evaluation window opens and the public
    disclosure date is set (20 working days on)."""
    with transaction.atomic():
        s, _kinds = _lock(suggestion, Action.APPROVE_REPLY, actor)
        cfg = SuggestionSettings.load()
        now = timezone.now()
        today = timezone.localdate(now)
        old = s.state
        s.state, s.answered_at = State.ANSWERED, now
        s.evaluation_due = due_in_days(today, cfg.evaluation_days)
        s.disclose_after = due_in_workdays(today, cfg.disclosure_workdays)
        s.save(update_fields=["state", "answered_at", "evaluation_due", "disclose_after"])
        event = _event(s, Action.APPROVE_REPLY, actor, old, comment=_text(comment, _("说明"), required=False),
                       data={"evaluation_due": s.evaluation_due.isoformat()})
        _notify(s, event, [s.lead_deputy], _("您的建议已答复,请评价"), task="evaluate")
        # 并案: every deputy whose suggestion was merged into this one is answered too.
        merged = [m.lead_deputy for m in s.merged.filter(state=State.MERGED).select_related("lead_deputy")]
        _notify(s, event, merged, _("与您的建议并案办理的建议已答复"), part="merged")
    return s


# ---------------------------------------------------------------------------------------------
# 评价 → 办结 (or again 办理, or 督办)


def _conclude(s, now, update):
    s.state, s.concluded_at = State.CONCLUDED, now
    s.tracking = s.reply_class in PLANNED_CLASSES and s.measures_done_at is None
    update += ["state", "concluded_at", "tracking"]


def suggestion_evaluate(*, suggestion, actor, work_rating: str, result_rating: str, comment: str = "") -> Evaluation:
    """The lead deputy rates 办理工作 and 办理结果 separately (or staff for a deputy without a login,
    marked as such). Both satisfied or basically → 已办结 (B/C onto the 跟踪 list); a 不满意 → handled again,
    answered within a month; the second 不满意 → 督办."""
    with transaction.atomic():
        s, kinds = _lock(suggestion, Action.EVALUATE, actor)
        cosigner_only = not kinds & {Actor.DEPUTY, Actor.PROXY}
        if cosigner_only and not SuggestionSettings.load().cosigners_evaluate:
            raise NotAllowed(_("本区未启用附议代表评价,由领衔代表评价。"))
        ratings = {}
        for name, value, label in (("work", work_rating, _("办理工作评价")), ("result", result_rating, _("办理结果评价"))):
            if value not in GIVEN_RATINGS:
                raise LoopError(_("请选择%(label)s(满意、基本满意或不满意)。") % {"label": label})
            ratings[name] = value
        comment = _text(comment, _("评价意见"), required=Rating.DISSATISFIED in ratings.values())
        proxy = Actor.DEPUTY not in kinds and not cosigner_only
        now = timezone.now()
        if cosigner_only:
            return _cosigner_evaluation(s, actor, ratings, comment, now)
        row = Evaluation.objects.create(suggestion=s, deputy=s.lead_deputy, round=s.handling_round,
                                        work_rating=ratings["work"], result_rating=ratings["result"],
                                        comment=comment, proxy=proxy, entered_by=actor, evaluated_at=now)
        old = s.state
        s.work_rating, s.result_rating, s.evaluated_at = ratings["work"], ratings["result"], now
        update = ["work_rating", "result_rating", "evaluated_at"]
        _first_round_rating(s, row, update)
        if Rating.DISSATISFIED in ratings.values():
            s.dissatisfied_count += 1
            update.append("dissatisfied_count")
            if s.dissatisfied_count >= 2:
                s.state, s.supervised = State.SUPERVISION, True
                update += ["state", "supervised"]
            else:
                _reopen(s, now, update)
        else:
            _conclude(s, now, update)
        s.save(update_fields=update)
        event = _event(s, Action.EVALUATE, actor, old, comment=comment,
                       data={"work": ratings["work"], "result": ratings["result"], "proxy": proxy})
        if s.state == State.HANDLING:
            _notify(s, event, [p.unit for p in current_parts(s).select_related("unit")],
                    _("代表不满意,请重新办理"), task="handle")
        elif s.state == State.SUPERVISION:
            _notify(s, event, _district_staff(), _("建议两次不满意,转督办"), task="supervise")
    return row


def _first_round_rating(s, row, update):
    """The lead deputy's round-1 evaluation `row` also onto the suggestion (``first_work_rating``,
    ``first_result_rating``: the report's first-round figures). A co-signer's never: the lead deputy
    is never a co-signer."""
    if row.round == 1 and row.deputy_id == s.lead_deputy_id:
        s.first_work_rating, s.first_result_rating = row.work_rating, row.result_rating
        update += ["first_work_rating", "first_result_rating"]


def _cosigner_evaluation(s, actor, ratings, comment, now) -> Evaluation:
    """A co-signer's own rating (where the district enables it): recorded and reported, while the lead
    deputy's rating alone moves the suggestion on."""
    deputy = actor.deputy_profile
    if not CoSigner.objects.filter(suggestion=s, deputy=deputy, confirmed_at__isnull=False).exists():
        raise NotAllowed(_("您未确认附议这件建议,不能评价。"))
    if Evaluation.objects.filter(suggestion=s, deputy=deputy, round=s.handling_round).exists():
        raise StaleState(_("您已评价过这件建议,请刷新后查看。"))
    row = Evaluation.objects.create(suggestion=s, deputy=deputy, round=s.handling_round, work_rating=ratings["work"],
                                    result_rating=ratings["result"], comment=comment, entered_by=actor,
                                    evaluated_at=now)
    _event(s, Action.EVALUATE, actor, s.state, comment=comment,
           data={"work": ratings["work"], "result": ratings["result"], "cosigner": deputy.pk})
    return row


def _reopen(s, now, update):
    """A new handling round for the same units, due in `rehandle_months`."""
    cfg = SuggestionSettings.load()
    due = due_in_months(timezone.localdate(now), cfg.rehandle_months)
    parts = list(current_parts(s))
    SuggestionUnit.objects.filter(pk__in=[p.pk for p in parts]).update(is_current=False)
    s.handling_round += 1
    SuggestionUnit.objects.bulk_create([
        SuggestionUnit(suggestion=s, session_id=s.session_id, unit_id=p.unit_id, role=p.role, round=s.handling_round,
                       assigned_at=now, due_date=due) for p in parts])
    s.state, s.reply_due = State.HANDLING, due
    update += ["state", "reply_due", "handling_round"]


def suggestion_expire_evaluation(*, suggestion, actor=None, today: datetime.date | None = None) -> Suggestion:
    """The window passed without an answer: 未表态, concluded, and NOT counted as satisfied."""
    today = today or _today()
    with transaction.atomic():
        s, _kinds = _lock(suggestion, Action.EXPIRE_EVALUATION, actor)
        if s.evaluation_due is not None and today <= s.evaluation_due:
            raise LoopError(_("评价期限未到(截止 %(due)s)。") % {"due": s.evaluation_due.isoformat()})
        now = timezone.now()
        row = Evaluation.objects.create(suggestion=s, deputy=s.lead_deputy, round=s.handling_round,
                                        work_rating=Rating.NO_ANSWER, result_rating=Rating.NO_ANSWER,
                                        entered_by=actor, evaluated_at=now)
        old = s.state
        s.work_rating = s.result_rating = Rating.NO_ANSWER
        update = ["work_rating", "result_rating"]
        _first_round_rating(s, row, update)
        _conclude(s, now, update)
        s.save(update_fields=update)
        _event(s, Action.EXPIRE_EVALUATION, actor, old, comment=_("评价期限内未表态"))
    return s


def expire_due_evaluations(*, today: datetime.date | None = None) -> int:
    """The scheduled job: every answered suggestion whose window has passed becomes 未表态. Idempotent
    (a second run finds none; a suggestion someone rated meanwhile is skipped as stale)."""
    today = today or _today()
    done = 0
    for pk in Suggestion.objects.filter(state=State.ANSWERED, evaluation_due__lt=today).values_list("pk", flat=True):
        try:
            suggestion_expire_evaluation(suggestion=pk, today=today)
            done += 1
        except LoopError:
            continue
    return done


def suggestion_close_supervised(*, suggestion, actor, comment: str) -> Suggestion:
    with transaction.atomic():
        s, _kinds = _lock(suggestion, Action.CLOSE_SUPERVISED, actor)
        comment = _text(comment, _("督办结果"))
        old = s.state
        update = []
        _conclude(s, timezone.now(), update)
        s.save(update_fields=update)
        _event(s, Action.CLOSE_SUPERVISED, actor, old, comment=comment)
    return s


def suggestion_measures_done(*, suggestion, actor, comment: str) -> Suggestion:
    """The unit reports the planned measures of a B/C answer done: off the 跟踪 list."""
    with transaction.atomic():
        s, _kinds = _lock(suggestion, Action.MEASURES_DONE, actor)
        if not s.tracking:
            raise StaleState(_("该建议不在跟踪落实清单中,请刷新后查看。"))
        comment = _text(comment, _("落实情况"))
        s.tracking, s.measures_done_at = False, timezone.now()
        s.save(update_fields=["tracking", "measures_done_at"])
        event = _event(s, Action.MEASURES_DONE, actor, s.state, comment=comment, unit=_unit(actor))
        _notify(s, event, [s.lead_deputy], _("建议的计划措施已落实"))
    return s


# ---------------------------------------------------------------------------------------------
# Scheduled: 逾期预警 for suggestions


def send_suggestion_alerts(*, today: datetime.date | None = None) -> int:
    """Every working morning: each replying unit its overdue and due-soon suggestions (one message per
    unit and day), district staff the overdue count, leaders those overdue for longer than
    `escalate_after_days`. Keys carry the day, so a second run the same day sends nothing twice.
    Returns how many notifications were new."""
    from collections import defaultdict

    from core.loops import due_soon_q, overdue_q
    from core.workdays import is_workday

    today = today or _today()
    if not is_workday(today):
        return 0
    cfg = SuggestionSettings.load()
    parts = (SuggestionUnit.objects
             .filter(is_current=True, cancelled_at__isnull=True, done_at__isnull=True, role__in=REPLYING_ROLES,
                     suggestion__state=State.HANDLING)
             .filter(overdue_q("suggestion__reply_due", today)
                     | due_soon_q("suggestion__reply_due", today, workdays=cfg.due_soon_workdays))
             .select_related("unit", "suggestion__session").order_by("suggestion__reply_due", "pk"))
    by_unit = defaultdict(lambda: {"overdue": [], "soon": []})
    overdue_ids = set()
    for p in parts:
        late = p.suggestion.reply_due < today
        by_unit[p.unit]["overdue" if late else "soon"].append(p.suggestion)
        if late:
            overdue_ids.add(p.suggestion_id)
    new = 0
    day = f"{today:%Y-%m-%d}"

    def line(s):
        return _("· %(number)s %(title)s(答复期限 %(due)s)") % {
            "number": s.display_number, "title": s.title, "due": f"{s.reply_due:%Y-%m-%d}"}

    with transaction.atomic():
        for unit, found in by_unit.items():
            body = "\n".join([line(s) for s in found["overdue"]] + [line(s) for s in found["soon"]])
            new += notify_on_commit(
                key=f"suggestion.unit_alert:{day}", kind="suggestion.unit_alert", recipients=[unit],
                title=_("代表建议:逾期 %(o)s 件,即将逾期 %(s)s 件") % {"o": len(found["overdue"]), "s": len(found["soon"])},
                body=body[:2000])
        if overdue_ids:
            new += notify_on_commit(
                key=f"suggestion.staff_overdue:{day}", kind="suggestion.staff_overdue", recipients=_district_staff(),
                title=_("代表建议答复逾期 %(n)s 件") % {"n": len(overdue_ids)})
        long_late = Suggestion.objects.filter(pk__in=overdue_ids,
                                              reply_due__lt=today - datetime.timedelta(days=cfg.escalate_after_days))
        count = long_late.count()
        if count:
            from accounts.models import User

            leaders = list(User.objects.filter(is_active=True, groups__name=Role.LEADER))
            new += notify_on_commit(
                key=f"suggestion.escalate:{day}", kind="suggestion.escalate", recipients=leaders,
                title=_("代表建议答复逾期超过 %(d)s 天:%(n)s 件") % {"d": cfg.escalate_after_days, "n": count},
                body="\n".join(line(s) for s in long_late.select_related("session")[:100]))
    return new
