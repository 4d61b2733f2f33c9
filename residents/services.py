"""The one door for every change of a resident report and of the codes (STYLE.md "one door per change").

Report actions run on the loop engine (core.loops): a transaction, the row re-read under lock and checked
against `choices.TRANSITIONS` and the actor (`lock`), a ReportEvent (`record_event`), a save with
update_fields and notifications after commit. A refused call raises a `LoopError` whose message is shown
as is and changes nothing. Turning a report into an opinion item goes through the petitions app's own
door (`petitions.workflow.item_create`); no Item row is written here.
"""

from __future__ import annotations

import datetime
import logging
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from core.loops import (
    LoopError,
    NotAllowed,
    allowed_actions,
    due_in_days,
    due_in_workdays,
    lock,
    notify_on_commit,
    record_event,
)
from core.queries import Prepared
from deputies.models import Deputy, DeputyHome

from . import limits
from .choices import CLOSED_STATES, RESIDENT_RATINGS, TRANSITIONS, Action, Actor, CodeKind, Satisfaction, State
from .models import BLOCKLIST_ROLES, STAFF_ROLES, BlockedPhone, Report, ReportEvent, ReportPhoto, ResidentCode
from .sms import SmsClient, SmsError

logger = logging.getLogger(__name__)

CODE_TTL = datetime.timedelta(minutes=10)
MAX_ATTEMPTS = 5
MAX_REPLY = 2000
MAX_RATING_COMMENT = 500
MAX_PHOTOS = 3

__all__ = ["LoopError", "NotAllowed"]


# ---------------------------------------------------------------------------------------------
# Codes (代表码 / 联络站码)


def _code_scope_check(actor, *, deputy=None, home=None):
    if actor.is_read_only or not actor.has_role(*STAFF_ROLES):
        raise NotAllowed(_("只有工作人员可以管理二维码。"))
    if deputy is not None and not Deputy.objects.editable_by(actor).filter(pk=deputy.pk).exists():
        raise NotAllowed(_("该代表不在您的管理范围内。"))
    if home is not None and not DeputyHome.objects.editable_by(actor).filter(pk=home.pk).exists():
        raise NotAllowed(_("该代表之家/联络站不在您的管理范围内。"))


def code_issue(*, actor, deputy: Deputy | None = None, home: DeputyHome | None = None,
               on_duty=()) -> ResidentCode:
    """A new code for a deputy in office (代表码) or a deputy home / station (联络站码). One active code per
    target: a second issue while one is active is refused (revoke or reissue it instead)."""
    if (deputy is None) == (home is None):
        raise LoopError(_("请选择一位代表或一个代表之家/联络站。"))
    _code_scope_check(actor, deputy=deputy, home=home)
    if deputy is not None:
        if not Deputy.objects.in_office().filter(pk=deputy.pk).exists():
            raise LoopError(_("%(name)s 不在任,不能生成代表码。") % {"name": deputy.name})
        area = deputy.area
    else:
        area = home.area
    try:
        with transaction.atomic():
            code = ResidentCode.objects.create(kind=CodeKind.DEPUTY if deputy else CodeKind.STATION,
                                               deputy=deputy, home=home, area=area)
            if on_duty:
                code.on_duty.set(on_duty)
    except IntegrityError:
        raise LoopError(_("已有有效的二维码,请先作废或直接重新生成。")) from None
    return code


def code_revoke(*, actor, code: ResidentCode) -> ResidentCode:
    """作废: the printed QR code stops working at once; reports already sent stay."""
    _code_scope_check(actor)
    if not ResidentCode.objects.editable_by(actor).filter(pk=code.pk).exists():
        raise NotAllowed(_("该二维码不在您的管理范围内。"))
    changed = ResidentCode.objects.filter(pk=code.pk, is_active=True).update(is_active=False, revoked_at=timezone.now())
    if not changed:
        raise LoopError(_("该二维码已经作废。"))
    code.refresh_from_db()
    return code


def code_reissue(*, actor, code: ResidentCode) -> ResidentCode:
    """重新生成: revoke the code (if still active) and issue a new token for the same deputy or station,
    keeping its deputies on duty."""
    with transaction.atomic():
        if code.is_active:
            code_revoke(actor=actor, code=code)
        elif not ResidentCode.objects.editable_by(actor).filter(pk=code.pk).exists():
            raise NotAllowed(_("该二维码不在您的管理范围内。"))
        return code_issue(actor=actor, deputy=code.deputy, home=code.home, on_duty=list(code.on_duty.all()))


def code_usable(code: ResidentCode) -> bool:
    """A code residents may use now: active, and for a deputy, only while the deputy is in office (read
    from `deputy_in_office` when the code was loaded with `with_usable()`, else one query)."""
    if not code.is_active:
        return False
    if code.deputy_id is None:
        return True
    known = getattr(code, "deputy_in_office", None)
    if known is not None:
        return known
    return Deputy.objects.in_office().filter(pk=code.deputy_id).exists()


def codes_with_usable(qs=None):
    """Codes annotated with whether their deputy is in office (`code_usable` then costs no query)."""
    from django.db.models import Exists, OuterRef

    qs = ResidentCode.objects.all() if qs is None else qs
    return qs.annotate(deputy_in_office=Exists(Deputy.objects.in_office().filter(pk=OuterRef("deputy_id"))))


# The QR page's lookup, in every request of a meeting's burst: compiled once per process (core.queries).
_CODE_BY_TOKEN = Prepared(lambda token: codes_with_usable().select_related("deputy", "home", "area")
                          .filter(token=token).order_by()[:1], "token")


# The confirmation page's lookup: the report, with its code, deputy and the deputy's account for who is
# told (_handlers, notifications.services.notify).
_REPORT_BY_TOKEN = Prepared(lambda token: Report.objects.select_related("code__deputy__user")
                            .filter(status_token=token).order_by()[:1], "token")


def report_by_token(token: str) -> Report | None:
    """The report of a status link with its code, the code's deputy and their account, in one query (None
    if unknown)."""
    return _REPORT_BY_TOKEN.first(token=token)


def code_by_token(token: str) -> ResidentCode | None:
    """The code of a QR link, with its deputy, station and area and whether its deputy is in office, in
    one query (None for an unknown token; `code_usable` says whether it may be used)."""
    return _CODE_BY_TOKEN.first(token=token)


# ---------------------------------------------------------------------------------------------
# The resident's side: write, confirm by SMS


def _hash(report: Report, value: str) -> str:
    # Keyed by the report's status token (known before the row is written, so the first code is stored
    # with the INSERT) and the SECRET_KEY: the stored digest tells nothing without both.
    return salted_hmac("residents.verify", f"{report.status_token}:{value}").hexdigest()


_BLOCKED = Prepared(lambda phone: BlockedPhone.objects.filter(phone=phone).order_by()[:1], "phone")
_PHONE_LIMITED = _("该手机号获取验证码过于频繁(每分钟 1 次、每小时 5 次、每天 10 次),请稍后再试。")


def _check_send_limits(*, phone: str, ip: str, code: ResidentCode | None = None):
    """The IP, code and number limits, counted in that order in one Redis round trip (a request refused
    for its IP is not counted against the code or the number). A blocked number is not counted and is
    told exactly what a number over its limit is told (nothing to learn from it)."""
    blocked = _BLOCKED.first(phone=phone) is not None
    checks = [("ip", ip, limits.ip_rules())]
    messages = [_("本网络提交过于频繁,请稍后再试。")]
    if code is not None:
        checks.append(("code", str(code.pk), limits.code_rules()))
        messages.append(_("该二维码收到的来信过多,请稍后再试。"))
    if not blocked:
        checks.append(("phone", phone, limits.phone_rules()))
        messages.append(_PHONE_LIMITED)
    try:
        over = limits.hit_many(checks)
    except limits.LimitUnavailable:
        raise LoopError(_("服务暂时繁忙,请稍后再试。")) from None
    if over is not None:
        raise LoopError(messages[over])
    if blocked:
        raise LoopError(_PHONE_LIMITED)


def _new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def _sms_code(report: Report, value: str) -> None:
    try:
        SmsClient().send(phone=report.phone, text=_("您的验证码是 %(code)s,10 分钟内有效。如非本人操作请忽略。")
                         % {"code": value})
    except SmsError:
        raise LoopError(_("验证码短信发送失败,请稍后点击“重新发送”。")) from None


def _send_code(report: Report) -> None:
    """A new code for a report already written (重新发送): the old one stops working."""
    value = _new_code()
    Report.objects.filter(pk=report.pk).update(verify_hash=_hash(report, value),
                                               verify_expires_at=timezone.now() + CODE_TTL, verify_attempts=0)
    _sms_code(report, value)


def report_start(*, code: ResidentCode, data: dict, ip: str) -> Report:
    """A resident's new report (待验证), and the SMS code sent to the number given. The limits per IP,
    per code and per number (and the blocklist) are checked first: a refused request stores nothing but
    its counters. `data["photos"]`: up to 3 uploads already content-checked by the form."""
    if not code_usable(code):
        raise LoopError(_("该二维码已失效。"))
    photos = list(data.get("photos") or ())
    if len(photos) > MAX_PHOTOS:
        raise LoopError(_("最多上传 %(n)s 张照片。") % {"n": MAX_PHOTOS})
    _check_send_limits(phone=data["phone"], ip=ip, code=code)
    value = _new_code()
    with transaction.atomic():
        report = Report(
            code=code, area=code.area, category=data["category"], text=data["text"],
            address=data.get("address", ""), name=data.get("name", ""), show_name=bool(data.get("show_name")),
            phone=data["phone"], verify_expires_at=timezone.now() + CODE_TTL)
        report.verify_hash = _hash(report, value)
        report.save(force_insert=True)
        for upload in photos:
            ReportPhoto.objects.create(report=report, file=upload, size=upload.size,
                                       content_type=getattr(upload, "xs_content_type", "") or upload.content_type)
        record_event(ReportEvent, report=report, action=Action.CREATE, actor=None, from_state="",
                     to_state=report.state)
    _sms_code(report, value)
    return report


def report_resend_code(*, report: Report, ip: str) -> None:
    """重新发送 the SMS code of a report still waiting for it (the same limits apply)."""
    if report.state != State.PENDING or not report.phone:
        raise LoopError(_("该来信已经验证过了。"))
    _check_send_limits(phone=report.phone, ip=ip)
    _send_code(report)


def actor_kinds(user, report) -> set[str]:
    """Every `Actor` the user is for this report (the checks and the page's buttons use it)."""
    if user is None or not user.is_authenticated:
        return {Actor.RESIDENT}
    kinds = set()
    deputy = user.deputy_profile
    # Once transferred (转交) the report is the area staff's: its deputy follows it but acts no more.
    if deputy is not None and report.state != State.TRANSFERRED:
        code = report.code
        if code.deputy_id == deputy.pk or code.on_duty.filter(pk=deputy.pk).exists():
            kinds.add(Actor.DEPUTY)
    if user.has_role(*STAFF_ROLES) and Report.objects.visible_to(user).filter(pk=report.pk).exists():
        kinds.add(Actor.STAFF)
    return kinds


def report_actions(user, report) -> set[str]:
    if user.is_read_only:
        return set()
    allowed = allowed_actions(TRANSITIONS, report.state, actor_kinds(user, report))
    if report.item_id:  # reopened after conversion: the item exists, it is not converted twice
        allowed.discard(Action.CONVERT)
    # Moderation is offered once the status page could show something (a reply, photos).
    if Action.MODERATE in allowed and not report.public_reply and not report.photos.exists():
        allowed.discard(Action.MODERATE)
    return allowed


def _stale(report) -> str:
    return _("该来信已被他人处理(当前状态:%(state)s),请刷新后查看。") % {"state": report.get_state_display()}


def _lock(report, action, actor):
    return lock(report, action, actor, table=TRANSITIONS, actor_kinds=actor_kinds, stale_message=_stale,
                not_allowed_message=_("您无权办理该来信。"), model=Report, missing_message=_("来信不存在。"))


def _handlers(report) -> list:
    """Who is told of a new report: the code's deputy, or the station's deputies on duty, else the
    area's staff."""
    # The code and its deputy as the confirmation page read them with the report (report_verify), else
    # one query (this runs in every confirmation).
    code = report.code if Report.code.is_cached(report) else None
    if code is None or (code.deputy_id and not ResidentCode.deputy.is_cached(code)):
        code = ResidentCode.objects.select_related("deputy").get(pk=report.code_id)
    if code.deputy_id:
        return [code.deputy]
    people = list(code.on_duty.all())
    if not people and report.area_id:
        from accounts.choices import Role
        from accounts.models import User

        people = list(User.objects.filter(is_active=True, groups__name=Role.AREA_STAFF, area=report.area))
    return people


def _area_staff(report, *, or_district=False) -> list:
    """The area staff of the report's area (or of its town, where area staff are attached); with
    `or_district`, district staff when the area has none."""
    from accounts.choices import Role
    from accounts.models import User

    people = []
    if report.area_id:
        areas = {report.area_id}
        town = report.area.town()
        if town is not None:
            areas.add(town.pk)
        people = list(User.objects.filter(is_active=True, groups__name=Role.AREA_STAFF, area_id__in=areas)
                      .distinct().order_by("id"))
    if not people and or_district:
        people = list(User.objects.filter(is_active=True, groups__name=Role.DISTRICT_STAFF).distinct().order_by("id"))
    return people


def mark_submitted(report: Report, *, comment: str = "", data: dict | None = None) -> None:
    """待验证 → 已提交 on a report locked for Action.VERIFY (the resident's SMS code, or a partner app
    vouching for the resident, residents/partner.py): the acceptance clock starts, the event row is
    written and the deputy or station told after commit."""
    report.state = State.SUBMITTED
    report.submitted_at = timezone.now()
    report.accept_due = due_in_workdays(timezone.localdate(), settings.RESIDENT_ACCEPT_WORKDAYS)
    report.verify_hash, report.verify_expires_at = "", None
    report.save(update_fields=["state", "submitted_at", "accept_due", "verify_hash", "verify_expires_at"])
    event = record_event(ReportEvent, report=report, action=Action.VERIFY, actor=None, from_state=State.PENDING,
                         to_state=report.state, comment=comment, data=data or {})
    notify_on_commit(key=f"resident_report:{report.pk}:event:{event.pk}", kind="residents.new",
                     recipients=_handlers(report), title=_("新的群众来信:%(t)s") % {"t": report.title},
                     url=report.get_absolute_url(), subject=f"resident_report:{report.pk}", task="accept")


def report_verify(*, report: Report, code: str) -> Report:
    """已提交: the resident typed the right SMS code in time. A wrong code counts an attempt (5 at most,
    then a new code is needed); an expired or used code is refused."""
    code = (code or "").strip()
    error = None
    read = report
    with transaction.atomic():
        report, _kinds = lock(report, Action.VERIFY, None, table=TRANSITIONS, actor_kinds=actor_kinds, model=Report,
                              stale_message=_("该验证码已使用过,您的来信已经提交。"))
        if isinstance(read, Report) and Report.code.is_cached(read):
            report.code = read.code  # a report's code never changes: who is told needs no query (_handlers)
        now = timezone.now()
        if not report.verify_hash or report.verify_attempts >= MAX_ATTEMPTS:
            error = _("验证码错误次数过多,请点击“重新发送”获取新的验证码。")
        elif report.verify_expires_at is None or report.verify_expires_at < now:
            error = _("验证码已过期,请点击“重新发送”获取新的验证码。")
        elif not constant_time_compare(report.verify_hash, _hash(report, code)):
            report.verify_attempts += 1
            report.save(update_fields=["verify_attempts"])
            error = _("验证码不正确,请核对短信后重新输入。")
        else:
            mark_submitted(report)
    if error:
        raise LoopError(error)
    report_id = report.pk
    # The receipt SMS goes from the worker: the resident is shown the same number and link at once.
    transaction.on_commit(lambda: receipt_enqueue(report_id=report_id))
    return report


def receipt_enqueue(*, report_id: int) -> bool:
    """Send `receipt_send` to the worker (after the confirmation's commit), on a connection kept in the
    app's producer pool: opening one per request cost 3 ms of the web worker's CPU, ten times sending the
    SMS itself (bench/RESULTS.md, "Residents' intake"). A broker that is down loses only this SMS, after
    at most one quick retry: the resident's receipt page shows the same number and link."""
    from .tasks import send_receipt

    try:
        with send_receipt.app.producer_pool.acquire(block=True, timeout=2) as producer:
            producer.connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2, timeout=2)
            send_receipt.apply_async(args=[report_id], producer=producer, retry=False,
                                     queue=getattr(settings, "RESIDENT_CELERY_QUEUE", None) or None)
    except Exception as exc:
        logger.warning("回执短信任务入队失败 (report %s): %s", report_id, exc)
        return False
    return True


def receipt_send(*, report_id: int) -> str:
    """The worker's half of a confirmation: the receipt SMS (回执号 and the status link) to the number the
    report was confirmed with, once. A report not confirmed, already given its receipt (a task run
    twice) or whose personal data were erased is left alone. Not retried when the gateway refuses (the
    mark is cleared, nothing else happens): the resident saw the same on the receipt page."""
    now = timezone.now()
    # Claimed by one conditional UPDATE (a second run of the task finds nothing to claim), then read.
    claimed = (Report.objects.filter(pk=report_id, receipt_sent_at__isnull=True, purged_at__isnull=True)
               .exclude(state=State.PENDING).exclude(phone="").update(receipt_sent_at=now))
    if not claimed:
        return "stale"
    report = Report.objects.only("phone", "receipt_no", "status_token").get(pk=report_id)
    try:
        SmsClient().send(phone=report.phone, text=_("您的来信已提交,回执号 %(n)s,查询进展:%(url)s")
                         % {"n": report.receipt_no, "url": settings.SITE_URL + report.status_url()})
    except SmsError as exc:
        Report.objects.filter(pk=report_id, receipt_sent_at=now).update(receipt_sent_at=None)
        logger.warning("回执短信发送失败 (report %s): %s", report_id, exc)
        return "sms failed"
    return "sent"


# ---------------------------------------------------------------------------------------------
# The deputy's side: 受理 / 直接答复 / 转为社情民意 / 不予受理


def _text(value, label, limit=MAX_REPLY) -> str:
    value = (value or "").strip()
    if not value:
        raise LoopError(_("请填写%(label)s。") % {"label": label})
    if len(value) > limit:
        raise LoopError(_("%(label)s过长(最多 %(n)s 字)。") % {"label": label, "n": limit})
    return value


def _event(report, action, actor, from_state, comment="", data=None):
    return record_event(ReportEvent, report=report, action=action, actor=actor, from_state=from_state,
                        to_state=report.state, comment=comment, data=data or {})


def _responded(report, now) -> list[str]:
    """The first response (受理 or any answer straight away) is what 按时受理 is measured by."""
    if report.accepted_at is not None:
        return []
    report.accepted_at = now
    return ["accepted_at"]


def report_accept(*, report: Report, actor) -> Report:
    """受理: the deputy or station staff take the report on."""
    with transaction.atomic():
        report, _k = _lock(report, Action.ACCEPT, actor)
        report.state = State.ACCEPTED
        report.save(update_fields=["state", *_responded(report, timezone.now())])
        _event(report, Action.ACCEPT, actor, State.SUBMITTED)
    return report


def _close(report, actor, action, state, *, reply, comment="", data=None, extra=()):
    old, now = report.state, timezone.now()
    report.state, report.public_reply, report.closed_at = state, reply, now
    report.reply_hidden = False
    report.save(update_fields=["state", "public_reply", "closed_at", "reply_hidden", *_responded(report, now),
                               *extra])
    _event(report, action, actor, old, comment=comment or reply, data=data)
    return report


def report_answer(*, report: Report, actor, reply: str) -> Report:
    """直接答复: a small matter answered at once; the reply shows on the resident's status page."""
    reply = _text(reply, _("答复内容"))
    with transaction.atomic():
        report, _k = _lock(report, Action.ANSWER, actor)
        return _close(report, actor, Action.ANSWER, State.ANSWERED, reply=reply)


def report_reject(*, report: Report, actor, reason: str) -> Report:
    """不予受理 with a written reason, shown to the resident."""
    reason = _text(reason, _("不予受理的理由"))
    with transaction.atomic():
        report, _k = _lock(report, Action.REJECT, actor)
        return _close(report, actor, Action.REJECT, State.REJECTED, reply=reason)


# Resident categories map to the opinion-item categories of the same value.
def _item_category(category: str) -> str:
    from petitions.choices import Category as ItemCategory

    return category if category in ItemCategory.values else ItemCategory.OTHER


def _item_deputy(report, actor) -> Deputy:
    """On whose behalf the item is written: the code's deputy; for a station, the acting deputy on duty,
    or (staff acting) the first deputy on duty."""
    code = report.code
    if code.deputy_id:
        return code.deputy
    own = actor.deputy_profile
    if own is not None and code.on_duty.filter(pk=own.pk).exists():
        return own
    first = code.on_duty.order_by("id").first()
    if first is None:
        raise LoopError(_("该联络站没有值班代表,无法转为社情民意;请先在二维码管理中设置值班代表。"))
    return first


def report_convert(*, report: Report, actor, note: str = "") -> Report:
    """转为社情民意: a submitted opinion item (source 线上) on the deputy's behalf, made through the petitions
    app's own door, linked both ways (Report.item / Item.resident_report). The resident's name and phone
    are not copied into it."""
    from petitions.choices import Source
    from petitions.workflow import item_create

    with transaction.atomic():
        report, _k = _lock(report, Action.CONVERT, actor)
        if report.item_id:
            raise LoopError(_("该来信已转为社情民意,不能再次转换;请直接答复。"))
        deputy = _item_deputy(report, actor)
        content = report.text + (f"\n{_('地点')}:{report.address}" if report.address else "")
        if note.strip():
            content += f"\n{_('代表意见')}:{note.strip()}"
        item = item_create(actor=actor, deputy=deputy, submit=True, data={
            "title": _("群众来信:%(t)s") % {"t": report.title}, "content": content,
            "category": _item_category(report.category), "area": report.area, "address": report.address,
            "source": Source.ONLINE})
        report.item = item
        return _close(report, actor, Action.CONVERT, State.CONVERTED,
                      reply=_("您反映的问题已由代表转为社情民意(编号 %(n)s),交有关部门办理。") % {"n": item.number},
                      comment=note.strip(), data={"item": item.pk}, extra=["item"])


def report_transfer(*, report: Report, actor, note: str = "") -> Report:
    """转交: the deputy passes the report to the area staff of the code's area, who then answer,
    convert or refuse it (the deputy follows it but no longer acts on it)."""
    note = (note or "").strip()
    if len(note) > MAX_REPLY:
        raise LoopError(_("%(label)s过长(最多 %(n)s 字)。") % {"label": _("转交说明"), "n": MAX_REPLY})
    with transaction.atomic():
        report, _k = _lock(report, Action.TRANSFER, actor)
        staff = _area_staff(report)
        if not staff:
            raise LoopError(_("所属街道还没有工作人员账号,无法转交;请联系区人大工作人员。"))
        old, now = report.state, timezone.now()
        report.state, report.transferred_at = State.TRANSFERRED, now
        report.save(update_fields=["state", "transferred_at", *_responded(report, now)])
        event = _event(report, Action.TRANSFER, actor, old, comment=note)
        notify_on_commit(key=f"resident_report:{report.pk}:event:{event.pk}", kind="residents.transfer",
                         recipients=staff, title=_("代表转交的群众来信:%(t)s") % {"t": report.title},
                         body=note, url=report.get_absolute_url(), subject=f"resident_report:{report.pk}",
                         task="answer")
    return report


# ---------------------------------------------------------------------------------------------
# The resident rates the answer; staff review what stays unsatisfied


# How many merges a converted report follows (a master merged again into another item, …): far more than
# staff ever chain; a bound so a broken chain cannot loop.
MAX_MERGE_HOPS = 5


def followed_item(report: Report):
    """The opinion item a converted report follows: the item it became, or, once that item was merged
    (合并) into another, the item it was merged into (the master), as far as the merges go."""
    from petitions.choices import State as ItemState

    item = report.item if report.item_id else None
    for _hop in range(MAX_MERGE_HOPS):
        if item is None or item.state != ItemState.MERGED or item.merged_into_id is None:
            break
        item = item.merged_into
    return item


def _answered_at(report: Report):
    """When the answer the resident rates reached them: the direct answer, or the conclusion (办结) of the
    item the converted report follows; None while there is nothing to rate."""
    from petitions.choices import State as ItemState

    if report.state == State.ANSWERED:
        return report.closed_at
    if report.state == State.CONVERTED:
        item = followed_item(report)
        if item is not None and item.state == ItemState.CLOSED:
            return item.concluded_at or report.closed_at
    return None


def rating_due(report: Report) -> datetime.date | None:
    """The last day the resident may rate (RESIDENT_RATING_DAYS calendar days after the answer); after
    it the nightly job closes the report as 未评价."""
    answered = _answered_at(report)
    if answered is None:
        return None
    return due_in_days(timezone.localdate(answered), settings.RESIDENT_RATING_DAYS)


def report_may_rate(report: Report, *, today: datetime.date | None = None) -> bool:
    """The status page offers the rating now: answered (or converted and the followed item concluded),
    and the rating window not passed."""
    due = rating_due(report)
    return due is not None and (today or timezone.localdate()) <= due


def _rate_stale(report) -> str:
    if report.satisfaction == Satisfaction.UNRATED:
        return _("评价期限已过,该来信已办结。")
    return _("该来信已经评价过了。")


def report_rate(*, report: Report, satisfaction: str, comment: str = "", ip: str) -> Report:
    """The resident's rating from the status page: 满意 / 基本满意 → 已办结; the first 不满意 reopens the
    report for its handler (已受理, or 已转交 when the area staff had it), with the resident's comment;
    the second 不满意 goes to staff review (待复核). Rate-limited per IP and per report."""
    if satisfaction not in RESIDENT_RATINGS:
        raise LoopError(_("请选择评价结果。"))
    comment = (comment or "").strip()
    if satisfaction == Satisfaction.DISSATISFIED and not comment:
        raise LoopError(_("请写下不满意的原因,代表会据此重新办理。"))
    if len(comment) > MAX_RATING_COMMENT:
        raise LoopError(_("%(label)s过长(最多 %(n)s 字)。") % {"label": _("评价意见"), "n": MAX_RATING_COMMENT})
    try:
        over = limits.hit_many([("rate-ip", ip, limits.rate_rules()), ("rate", str(report.pk), limits.rate_rules())])
    except limits.LimitUnavailable:
        raise LoopError(_("服务暂时繁忙,请稍后再试。")) from None
    if over is not None:
        raise LoopError(_("操作过于频繁,请稍后再试。"))
    with transaction.atomic():
        report, _k = lock(report, Action.RATE, None, table=TRANSITIONS, actor_kinds=actor_kinds, model=Report,
                          stale_message=_rate_stale)
        if not report_may_rate(report):
            if rating_due(report) is not None:
                raise LoopError(_("评价期限已过,该来信将按“未评价”办结。"))
            raise LoopError(_("转成的社情民意还在办理中,办结后才能评价。"))
        old, now = report.state, timezone.now()
        report.satisfaction, report.rating_comment, report.rated_at = satisfaction, comment, now
        fields = ["state", "satisfaction", "rating_comment", "rated_at"]
        recipients, title, task = [], "", ""
        if satisfaction != Satisfaction.DISSATISFIED:
            report.state = State.CLOSED
            recipients, title = _handlers(report), _("群众评价:%(r)s") % {"r": Satisfaction(satisfaction).label}
        else:
            report.dissatisfied_count += 1
            fields.append("dissatisfied_count")
            if report.dissatisfied_count >= 2:
                report.state = State.REVIEW
                recipients, task = _area_staff(report, or_district=True), "review"
                title = _("群众再次不满意,请复核:%(t)s") % {"t": report.title}
            else:
                # Reopened once: back to whoever had it; the old answer stays in the timeline.
                report.state = State.TRANSFERRED if report.transferred_at else State.ACCEPTED
                report.public_reply, report.reply_hidden, report.closed_at = "", False, None
                fields += ["public_reply", "reply_hidden", "closed_at"]
                recipients = _area_staff(report) if report.transferred_at else _handlers(report)
                title, task = _("群众不满意,请重新办理:%(t)s") % {"t": report.title}, "answer"
        report.save(update_fields=fields)
        event = _event(report, Action.RATE, None, old, comment=comment, data={"satisfaction": satisfaction})
        if recipients:
            notify_on_commit(key=f"resident_report:{report.pk}:event:{event.pk}", kind="residents.rated",
                             recipients=recipients, title=title, body=comment, url=report.get_absolute_url(),
                             subject=f"resident_report:{report.pk}", task=task)
    return report


def report_review_close(*, report: Report, actor, note: str) -> Report:
    """复核办结: staff close a report the resident was twice unsatisfied with, with a note (kept in the
    timeline, not shown to the resident)."""
    note = _text(note, _("复核意见"))
    with transaction.atomic():
        report, _k = _lock(report, Action.REVIEW_CLOSE, actor)
        report.state = State.CLOSED
        report.save(update_fields=["state"])
        _event(report, Action.REVIEW_CLOSE, actor, State.REVIEW, comment=note)
    return report


# ---------------------------------------------------------------------------------------------
# Moderation of what the status page shows; the blocklist


def report_moderate(*, report: Report, actor, public_reply: str, reply_hidden: bool,
                    public_photos=()) -> Report:
    """审核公开内容: staff edit or hide the reply shown on the resident's status page and choose which
    photos it shows (none until then). The original reply stays in the timeline."""
    public_reply = (public_reply or "").strip()
    if len(public_reply) > MAX_REPLY:
        raise LoopError(_("%(label)s过长(最多 %(n)s 字)。") % {"label": _("公开答复"), "n": MAX_REPLY})
    photo_ids = sorted({p.pk if isinstance(p, ReportPhoto) else int(p) for p in public_photos})
    with transaction.atomic():
        report, _k = _lock(report, Action.MODERATE, actor)
        if report.purged_at is not None and photo_ids:
            raise LoopError(_("照片已按保存期限删除。"))
        edited = public_reply != report.public_reply
        now = timezone.now()
        report.public_reply, report.reply_hidden = public_reply, bool(reply_hidden)
        report.moderated_at, report.moderated_by = now, actor
        report.save(update_fields=["public_reply", "reply_hidden", "moderated_at", "moderated_by"])
        photos = ReportPhoto.objects.filter(report=report)
        photos.exclude(pk__in=photo_ids).update(is_public=False)
        shown = photos.filter(pk__in=photo_ids).update(is_public=True)
        _event(report, Action.MODERATE, actor, report.state,
               data={"edited": edited, "reply_hidden": report.reply_hidden, "public_photos": shown})
    return report


def _blocklist_check(actor):
    if actor.is_read_only or not actor.has_role(*BLOCKLIST_ROLES):
        raise NotAllowed(_("只有区人大工作人员可以屏蔽号码。"))


def phone_block(*, actor, phone: str, reason: str = "") -> BlockedPhone:
    """屏蔽: the number can no longer send reports (and is sent no SMS)."""
    from .forms import MOBILE

    _blocklist_check(actor)
    phone = (phone or "").strip()
    if not MOBILE.match(phone):
        raise LoopError(_("请填写 11 位手机号码。"))
    blocked, created = BlockedPhone.objects.get_or_create(
        phone=phone, defaults={"reason": (reason or "").strip()[:200], "created_by": actor})
    if not created:
        raise LoopError(_("该号码已在屏蔽名单中。"))
    return blocked


def report_block_phone(*, report: Report, actor, reason: str = "") -> BlockedPhone:
    """屏蔽 the number a report came from, without showing it (the report must be in the actor's scope)."""
    _blocklist_check(actor)
    if not Report.objects.visible_to(actor).filter(pk=report.pk).exists():
        raise NotAllowed(_("您无权办理该来信。"))
    if not report.phone:
        raise LoopError(_("该来信的手机号码已按保存期限删除。"))
    return phone_block(actor=actor, phone=report.phone,
                       reason=(reason or "").strip() or _("来信 %(n)s") % {"n": report.receipt_no})


def phone_unblock(*, actor, blocked: BlockedPhone) -> None:
    """解除屏蔽."""
    _blocklist_check(actor)
    BlockedPhone.objects.filter(pk=blocked.pk).delete()


# ---------------------------------------------------------------------------------------------
# Unrated answers close by themselves (逾期未评价办结)


def _unrated_q(cutoff: datetime.datetime) -> Q:
    """Reports whose answer reached the resident before `cutoff` and that are still unrated: answered
    directly, or converted and the followed item (or the master it was merged into, up to
    MAX_MERGE_HOPS merges) concluded. The SQL twin of `rating_due`."""
    from petitions.choices import State as ItemState

    q = Q(state=State.ANSWERED, closed_at__lt=cutoff)
    path = "item"
    for hop in range(MAX_MERGE_HOPS):
        q |= Q(state=State.CONVERTED, **{f"{path}__state": ItemState.CLOSED, f"{path}__concluded_at__lt": cutoff})
        if hop < MAX_MERGE_HOPS - 1:
            path += "__merged_into"
    return q


def reports_close_unrated(*, today: datetime.date | None = None) -> int:
    """The nightly job: every report whose rating window (RESIDENT_RATING_DAYS calendar days after the
    answer) has passed without a rating goes to 已办结 as 未评价 — not counted as satisfied.

    Set-based, in one transaction: the due rows are locked (a report being rated right now is skipped and
    left for the next run), moved with one UPDATE and given one event row each (EXPIRE_RATING, the
    system as actor), as the transition table allows. Idempotent: a closed report is never due again, so
    a second run changes nothing. Returns how many were closed."""
    today = today or timezone.localdate()
    days = settings.RESIDENT_RATING_DAYS
    # Answered on day D, the resident may rate through D + days: due once D < today - days.
    first_day = due_in_days(today, -days)
    cutoff = timezone.make_aware(datetime.datetime.combine(first_day, datetime.time.min))
    rule = TRANSITIONS[Action.EXPIRE_RATING]
    now = timezone.now()
    with transaction.atomic():
        rows = list(Report.objects.select_for_update(skip_locked=True, of=("self",))
                    .filter(_unrated_q(cutoff), state__in=rule.sources).order_by("pk").values_list("pk", "state"))
        if not rows:
            return 0
        Report.objects.filter(pk__in=[pk for pk, _s in rows]).update(
            state=rule.target, satisfaction=Satisfaction.UNRATED, rated_at=now)
        comment = _("群众在答复后 %(n)s 天内未评价,按“未评价”办结(不计入满意)。") % {"n": days}
        ReportEvent.objects.bulk_create([
            ReportEvent(report_id=pk, action=Action.EXPIRE_RATING, actor=None, from_state=old, to_state=rule.target,
                        comment=comment, data={"rating_days": days}, created_at=now) for pk, old in rows])
    return len(rows)


# ---------------------------------------------------------------------------------------------
# Retention


def reports_purge_personal(*, now: datetime.datetime | None = None) -> int:
    """Erase residents' personal fields (name, phone, address) of reports closed more than
    RESIDENT_DATA_RETENTION_DAYS ago, and of reports never confirmed within a day. Idempotent: a purged
    report is never touched again (`purged_at`), so running twice erases nothing twice."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.RESIDENT_DATA_RETENTION_DAYS)
    due = Q(state__in=CLOSED_STATES, closed_at__lt=cutoff) | Q(state=State.PENDING,
                                                               created_at__lt=now - datetime.timedelta(days=1))
    ids = list(Report.objects.filter(due, purged_at__isnull=True).values_list("pk", flat=True))
    # Photos are personal data too: their files go first, then their rows.
    photos = ReportPhoto.objects.filter(report_id__in=ids)
    for photo in photos:
        photo.file.delete(save=False)
    photos.delete()
    return Report.objects.filter(pk__in=ids, purged_at__isnull=True).update(
        name="", phone="", address="", show_name=False, rating_comment="", verify_hash="", verify_expires_at=None,
        purged_at=now)

