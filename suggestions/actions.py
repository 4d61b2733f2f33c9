"""The actions on a suggestion's page: one POST endpoint per service (`/suggestions/<pk>/do/<action>/`),
on the loop engine's skeleton (core.loops.views). Each `ActionSpec` says who may post it (role, else
403), its form (suggestions/action_forms.py) and the service call; `services.suggestion_actions` says
which cards the page shows to this person now."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.choices import Role
from core.loops.views import ActionSpec, action_forms, action_view

from . import action_forms as f
from . import services
from .choices import Action, ConsultationAnswer, RequestKind, RequestStatus, State
from .models import Consultation, CoSigner, HandlingRequest, Suggestion, SuggestionSettings

STAFF = (Role.ADMIN, Role.DISTRICT_STAFF)
DEPUTY = (Role.DEPUTY, Role.GROUP_LEADER)
UNIT = (Role.UNIT,)
OWNER = (*DEPUTY, *STAFF, Role.AREA_STAFF)  # the lead deputy, or whoever entered it


def _cosign_args(user, s) -> dict:
    on_paper = user.has_role(*STAFF)
    return {"on_paper": on_paper, "deputies": CoSigner.objects.none() if not on_paper else
            _unconfirmed(s)}


def _unconfirmed(s):
    from deputies.models import Deputy

    return Deputy.objects.filter(pk__in=CoSigner.objects.filter(suggestion=s, confirmed_at__isnull=True)
                                 .values("deputy")).order_by("name")


def _cosign(u, s, d):
    if "deputy" in d:
        return services.suggestion_cosign(suggestion=s, actor=u, deputy=d["deputy"], on_paper=True)
    return services.suggestion_cosign(suggestion=s, actor=u)


def _masters(user, s):
    return (Suggestion.objects.visible_to(user).filter(session_id=s.session_id)
            .exclude(pk=s.pk).exclude(state__in=(State.MERGED, State.NOT_ACCEPTED, State.WITHDRAWN, State.DRAFT,
                                                 State.SUBMITTED)).order_by("number", "id"))


def _consultations(user, s):
    return Consultation.objects.filter(suggestion=s, answer=ConsultationAnswer.PENDING).select_related("unit")


def _assign(u, s, d):
    return services.suggestion_assign(
        suggestion=s, actor=u, lead_unit=d["lead_unit"], co_units=list(d["co_units"]),
        split_units=list(d["split_units"]), lead_leader=d["lead_leader"],
        supervising_committee=d["supervising_committee"], key_supervision=d["key_supervision"])


def _reply(u, s, d):
    data = {k: v for k, v in d.items() if k in services.REPLY_FIELDS}
    return services.suggestion_reply(suggestion=s, actor=u, data=data, signed_pdf=d.get("signed_pdf") or None)


def _comment(label, required=False):
    return {"label": label, "required": required}


# name → spec; the order is the order of the cards on the page.
ACTIONS: dict[str, ActionSpec] = {
    "submit": ActionSpec(OWNER, None, lambda u, s, d: services.suggestion_submit(suggestion=s, actor=u),
                         _("已提交,等待登记。"), shows=(Action.SUBMIT,)),
    "withdraw": ActionSpec(OWNER, f.CommentForm, lambda u, s, d: services.suggestion_withdraw(
        suggestion=s, actor=u, comment=d["comment"]), _("已撤回。"), _comment(_("撤回说明")), (Action.WITHDRAW,)),
    "cosign": ActionSpec((*DEPUTY, *STAFF), f.CosignForm, _cosign, _("已确认附议。"), shows=(Action.COSIGN,),
                         form_args=_cosign_args),
    "register": ActionSpec(STAFF, None, lambda u, s, d: services.suggestion_register(suggestion=s, actor=u),
                           lambda s: _("已登记,编号 %(n)s。") % {"n": s.display_number}, shows=(Action.REGISTER,)),
    "start_review": ActionSpec(STAFF, None, lambda u, s, d: services.suggestion_start_review(suggestion=s, actor=u),
                               _("已开始审查。"), shows=(Action.START_REVIEW,)),
    "accept": ActionSpec(STAFF, f.CommentForm, lambda u, s, d: services.suggestion_accept(
        suggestion=s, actor=u, comment=d["comment"]), _("已立案。"), _comment(_("立案说明")), (Action.ACCEPT,)),
    "merge": ActionSpec(STAFF, f.MergeForm, lambda u, s, d: services.suggestion_merge(
        suggestion=s, actor=u, master=d["master"], comment=d["comment"]), _("已并案。"), shows=(Action.MERGE,),
        form_args=lambda u, s: {"masters": _masters(u, s)}),
    "reject": ActionSpec(STAFF, f.RejectForm, lambda u, s, d: services.suggestion_reject(
        suggestion=s, actor=u, ground=d["ground"], reason=d["reason"]), _("已不予立案。"), shows=(Action.REJECT,)),
    "assign": ActionSpec(STAFF, f.AssignForm, _assign, _("已交办。"), shows=(Action.ASSIGN,)),
    "co_opinion": ActionSpec(UNIT, f.OpinionForm, lambda u, s, d: services.suggestion_co_opinion(
        suggestion=s, actor=u, opinion=d["opinion"]), _("协办意见已提交。"), shows=(Action.CO_OPINION,)),
    "consult": ActionSpec(UNIT, f.ConsultForm, lambda u, s, d: services.suggestion_consult(
        suggestion=s, actor=u, form=d["form"], date=d["date"], person_name=d["person_name"],
        person_level=d["person_level"], note=d["note"]), _("面商情况已记录,等待代表确认。"), shows=(Action.CONSULT,)),
    "request_return": ActionSpec(UNIT, f.ReasonForm, lambda u, s, d: services.suggestion_request_return(
        suggestion=s, actor=u, reason=d["reason"]), _("退回申请已提交,等待审批。"), shows=(Action.REQUEST_RETURN,)),
    "request_extension": ActionSpec(UNIT, f.ExtensionForm, lambda u, s, d: services.suggestion_request_extension(
        suggestion=s, actor=u, months=d["months"], explanation=d["explanation"]), _("延期申请已提交,等待审批。"),
        shows=(Action.REQUEST_EXTENSION,)),
    "reply": ActionSpec(UNIT, f.ReplyForm, _reply, _("答复已提交,等待审核。"), shows=(Action.REPLY,),
                        form_args=lambda u, s: {"class_d": SuggestionSettings.load().class_d_enabled}),
    "decide_return": ActionSpec(STAFF, f.DecideForm, lambda u, s, d: services.suggestion_decide_return(
        suggestion=s, actor=u, approve=d["approve"], comment=d["comment"]), _("已审批退回申请。"),
        shows=(Action.DECIDE_RETURN,)),
    "decide_extension": ActionSpec(STAFF, f.DecideForm, lambda u, s, d: services.suggestion_decide_extension(
        suggestion=s, actor=u, approve=d["approve"], comment=d["comment"]), _("已审批延期申请。"),
        shows=(Action.DECIDE_EXTENSION,)),
    "confirm_consultation": ActionSpec(DEPUTY, f.ConfirmConsultationForm, lambda u, s, d:
                                       services.suggestion_confirm_consultation(
                                           suggestion=s, actor=u, consultation=d["consultation"], agree=d["agree"],
                                           comment=d["comment"]), _("已确认面商情况。"),
                                       shows=(Action.CONFIRM_CONSULTATION,),
                                       form_args=lambda u, s: {"consultations": _consultations(u, s)}),
    "approve_reply": ActionSpec(STAFF, f.CommentForm, lambda u, s, d: services.suggestion_approve_reply(
        suggestion=s, actor=u, comment=d["comment"]), _("答复已审核通过,已告知代表。"), _comment(_("审核意见")),
        (Action.APPROVE_REPLY,)),
    "send_back": ActionSpec(STAFF, f.CommentForm, lambda u, s, d: services.suggestion_send_back(
        suggestion=s, actor=u, reason=d["comment"]), _("已退回承办单位重新答复。"),
        _comment(_("退回理由"), required=True), (Action.SEND_BACK,)),
    "change_class": ActionSpec(STAFF, f.ChangeClassForm, lambda u, s, d: services.suggestion_change_class(
        suggestion=s, actor=u, reply_class=d["reply_class"], reason=d["reason"]), _("已调整答复类别。"),
        shows=(Action.CHANGE_CLASS,)),
    "evaluate": ActionSpec((*DEPUTY, *STAFF), f.EvaluateForm, lambda u, s, d: services.suggestion_evaluate(
        suggestion=s, actor=u, work_rating=d["work_rating"], result_rating=d["result_rating"],
        comment=d["comment"]), _("评价已提交,谢谢。"), shows=(Action.EVALUATE,)),
    "expire_evaluation": ActionSpec(STAFF, None, lambda u, s, d: services.suggestion_expire_evaluation(
        suggestion=s, actor=u), _("已按逾期未表态办结。"), shows=(Action.EXPIRE_EVALUATION,)),
    "close_supervised": ActionSpec(STAFF, f.CommentForm, lambda u, s, d: services.suggestion_close_supervised(
        suggestion=s, actor=u, comment=d["comment"]), _("已督办办结。"), _comment(_("督办意见"), required=True),
        (Action.CLOSE_SUPERVISED,)),
    "measures_done": ActionSpec((*UNIT, *STAFF), f.CommentForm, lambda u, s, d: services.suggestion_measures_done(
        suggestion=s, actor=u, comment=d["comment"]), _("已记录计划措施落实,移出跟踪。"),
        _comment(_("落实情况"), required=True), (Action.MEASURES_DONE,)),
}

HEADINGS = {
    "submit": _("提交建议"), "withdraw": _("撤回建议"), "cosign": _("附议确认"), "register": _("登记"),
    "start_review": _("开始审查"), "accept": _("立案"), "merge": _("并案"), "reject": _("不予立案"),
    "assign": _("交办"), "co_opinion": _("协办意见"), "consult": _("记录面商"), "request_return": _("申请退回"),
    "request_extension": _("申请延期"), "reply": _("答复"), "decide_return": _("审批退回申请"),
    "decide_extension": _("审批延期申请"), "confirm_consultation": _("确认面商情况"),
    "approve_reply": _("审核通过答复"), "send_back": _("退回重新答复"), "change_class": _("调整答复类别"),
    "evaluate": _("评价办理工作和结果"), "expire_evaluation": _("逾期未表态办结"),
    "close_supervised": _("督办办结"), "measures_done": _("计划措施已落实"),
}
DECIDE_KINDS = {"decide_return": RequestKind.RETURN, "decide_extension": RequestKind.EXTENSION}


def action_cards(user, s, bound=None) -> list[dict]:
    """The cards of the actions this user may take now, in ACTIONS order: heading, endpoint, form (or
    None for a one-button action) and, for a decision, the pending request it decides."""
    allowed = services.suggestion_actions(user, s)
    if s.state == State.CONCLUDED and not s.tracking:
        allowed.discard(Action.MEASURES_DONE)
    if Action.CONFIRM_CONSULTATION in allowed and not _consultations(user, s).exists():
        allowed.discard(Action.CONFIRM_CONSULTATION)
    if Action.COSIGN in allowed and user.has_role(*STAFF) and not _unconfirmed(s).exists():
        allowed.discard(Action.COSIGN)
    pending = {r.kind: r for r in HandlingRequest.objects.filter(suggestion=s, status=RequestStatus.PENDING)
               .select_related("unit", "requested_by")}
    for name, kind in DECIDE_KINDS.items():
        if kind not in pending:
            allowed.discard(name)
    forms_ = action_forms(ACTIONS, user, s, allowed, bound)
    cards = []
    for name, spec in ACTIONS.items():
        if not allowed & set(spec.shows) or not user.has_role(*spec.roles):
            continue
        cards.append({"name": name, "heading": HEADINGS[name], "form": forms_.get(name),
                      "request": pending.get(DECIDE_KINDS.get(name))})
    return cards


def _rerender(request, s, action, form):
    from .views import detail_context

    s = get_object_or_404(Suggestion.objects.visible_to(request.user), pk=s.pk)
    bound = (action, form) if form is not None else None
    return render(request, "suggestions/detail.html", detail_context(request, s, bound))


def _refused(request, message):
    return render(request, "petitions/refused.html", {"message": message}, status=403)


@require_POST
@login_required
def suggestion_action(request, pk: int, action: str):
    """Run one action; a refused post re-renders the page with the bound form (nothing typed is lost,
    nothing changed)."""
    return action_view(request, actions=ACTIONS, action=action, refused=_refused, rerender=_rerender,
                       get_object=lambda r: get_object_or_404(Suggestion.objects.visible_to(r.user), pk=pk))
