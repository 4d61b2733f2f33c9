"""The outbox: writing notifications and their delivery rows. Other apps call `notify`; nothing
else creates Notification rows."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from accounts.choices import Role

from ..choices import OPTIONAL_CHANNELS, Channel, DeliveryStatus
from ..models import Delivery, Notification, NotificationPreference

logger = logging.getLogger(__name__)

ENQUEUE_CHUNK = 500


@dataclass
class Entry:
    """One notification for one recipient, before it is written."""

    key: str
    kind: str
    title: str
    body: str
    url: str
    subject: str
    task: str
    fields: dict
    # (channel, address, status, error) per delivery row
    deliveries: list = field(default_factory=list)


def _phone_channels(chosen: Iterable[str], phone: str) -> list[tuple]:
    out = []
    for channel in (Channel.SMS, Channel.WECOM, Channel.DINGTALK):
        if channel in chosen and phone:
            out.append((channel, phone, DeliveryStatus.PENDING, ""))
    return out


def _user_plan(user, prefs: dict, fallback_phone: str = "") -> list[tuple]:
    """In-app always; then each channel the person chose that we have an address for. A deputy's
    account without a mobile number uses the one on the roster."""
    fallback_phone = fallback_phone or prefs.get(("mobile", user.pk), "")
    chosen = prefs.get(user.pk)
    if chosen is None:
        chosen = settings.NOTIFY_DEFAULT_CHANNELS
    plan = [(Channel.IN_APP, "", DeliveryStatus.SENT, "")]
    if Channel.EMAIL in chosen and user.email:
        plan.append((Channel.EMAIL, user.email, DeliveryStatus.PENDING, ""))
    plan += _phone_channels(chosen, user.mobile or fallback_phone)
    return plan


def _plan(person, prefs: dict, unit_has_users: dict) -> tuple[str, dict, list[tuple]] | None:
    """Who the row is addressed to and on which channels it can reach them.

    A deputy with a login is reached through the account; one without is reached by SMS at the
    number on file; a handling unit in the app (its users) and by SMS at its contact's phone.
    Nothing reachable still makes a row, marked undeliverable, for staff to see.
    """
    from deputies.models import Deputy
    from units.models import HandlingUnit

    if isinstance(person, Deputy):
        if person.user_id:
            return f"u{person.user_id}", {"recipient_id": person.user_id}, _user_plan(
                person.user, prefs, person.mobile)
        if person.mobile:
            plan = [(Channel.SMS, person.mobile, DeliveryStatus.PENDING, "")]
        else:
            plan = [(Channel.SMS, "", DeliveryStatus.UNDELIVERABLE, gettext("代表无登录账号且未登记手机号码"))]
        return f"d{person.pk}", {"recipient_deputy_id": person.pk}, plan
    if isinstance(person, HandlingUnit):
        plan = []
        if unit_has_users.get(person.pk):
            plan.append((Channel.IN_APP, "", DeliveryStatus.SENT, ""))
        if person.contact_phone:
            plan.append((Channel.SMS, person.contact_phone, DeliveryStatus.PENDING, ""))
        if not plan:
            plan.append((Channel.SMS, "", DeliveryStatus.UNDELIVERABLE, gettext("单位无用户且未登记联系电话")))
        return f"unit{person.pk}", {"recipient_unit_id": person.pk}, plan
    return f"u{person.pk}", {"recipient_id": person.pk}, _user_plan(person, prefs)


def _lookups(people: list) -> tuple[dict, dict]:
    """Preferences of every account involved and which units have users: two queries at most."""
    from deputies.models import Deputy
    from units.models import HandlingUnit

    user_ids, unit_ids = set(), set()
    for p in people:
        if isinstance(p, Deputy):
            if p.user_id:
                user_ids.add(p.user_id)
        elif isinstance(p, HandlingUnit):
            unit_ids.add(p.pk)
        else:
            user_ids.add(p.pk)
    prefs = {}
    if user_ids:
        prefs = dict(NotificationPreference.objects.filter(user_id__in=user_ids).values_list("user_id", "channels"))
        # Roster mobiles of the deputies among the accounts, keyed apart from the preferences.
        prefs.update({("mobile", u): m for u, m in Deputy.objects.filter(user_id__in=user_ids).exclude(mobile="")
                      .values_list("user_id", "mobile")})
    unit_has_users = {}
    if unit_ids:
        from accounts.models import User

        unit_has_users = {u: True for u in User.objects.filter(unit_id__in=unit_ids, is_active=True)
                          .values_list("unit_id", flat=True).distinct()}
    return prefs, unit_has_users


def notify_many(messages: Iterable[dict]) -> list[int]:
    """Write many notifications at once: each message is a dict of `notify`'s arguments.
    Returns the ids of the rows that are new (a key seen before creates nothing, sends nothing).
    Delivery is queued after the surrounding transaction commits."""
    messages = list(messages)
    people = [p for m in messages for p in m["recipients"] if p is not None]
    prefs, unit_has_users = _lookups(people)
    entries, seen = [], set()
    for m in messages:
        for person in m["recipients"]:
            if person is None:
                continue
            suffix, fields, plan = _plan(person, prefs, unit_has_users)
            key = f"{m['key']}:{suffix}"[:200]
            if key in seen:
                continue
            seen.add(key)
            entries.append(Entry(key=key, kind=m["kind"], title=m["title"][:200], body=m.get("body", ""),
                                 url=m.get("url", ""), subject=m.get("subject", ""), task=m.get("task", ""),
                                 fields=fields, deliveries=plan))
    if not entries:
        return []
    # Within the caller's transaction (the usual case) no savepoint: two round trips less on every
    # change that notifies, and an error here fails the caller's change anyway.
    with transaction.atomic(savepoint=False):
        new = _insert(entries)
        rows = [(pk, channel, address, status, error)
                for entry in entries if (pk := new.get(entry.key)) is not None
                for channel, address, status, error in entry.deliveries]
        _insert_deliveries(rows)
        pending = sorted({r[0] for r in rows if r[3] == DeliveryStatus.PENDING})
        if pending:
            transaction.on_commit(lambda: enqueue_delivery(pending))
    return sorted(new.values())


def _insert(entries: list[Entry]) -> dict[str, int]:
    """INSERT … ON CONFLICT (key) DO NOTHING RETURNING: the keys that were new, with their ids.
    One statement for any number of rows; a concurrent run of the same job inserts nothing twice."""
    table = Notification._meta.db_table
    cols = ["key", "kind", "title", "body", "url", "subject", "task", "recipient_id", "recipient_deputy_id",
            "recipient_unit_id"]
    arrays = {c: [] for c in cols}
    for e in entries:
        for c in ("key", "kind", "title", "body", "url", "subject", "task"):
            arrays[c].append(getattr(e, c))
        for c in ("recipient_id", "recipient_deputy_id", "recipient_unit_id"):
            arrays[c].append(e.fields.get(c))
    sql = (
        f"INSERT INTO {table} (key, kind, title, body, url, subject, task, recipient_id, recipient_deputy_id, "
        f"recipient_unit_id, created_at) "
        f"SELECT k, kd, t, b, u, s, tk, r, rd, ru, %s::timestamptz FROM unnest(%s::text[], %s::text[], %s::text[], "
        f"%s::text[], %s::text[], %s::text[], %s::text[], %s::bigint[], %s::bigint[], %s::bigint[]) "
        f"AS x(k, kd, t, b, u, s, tk, r, rd, ru) "
        f"ON CONFLICT (key) DO NOTHING RETURNING key, id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [timezone.now(), *[arrays[c] for c in cols]])
        return dict(cursor.fetchall())


def _insert_deliveries(rows: list[tuple]) -> None:
    """The delivery rows of new notifications, in one statement (Django's bulk_create spends seconds
    preparing 20,000 model instances; this spends milliseconds). Pending rows are due now, in-app rows
    are delivered at creation."""
    if not rows:
        return
    table, now = Delivery._meta.db_table, timezone.now()
    cols = list(zip(*rows, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (notification_id, channel, address, status, last_error, attempts, next_attempt_at, "
            f"sent_at, created_at) "
            f"SELECT n, c, a, s, e, 0, CASE WHEN s = %s THEN %s END, CASE WHEN s = %s THEN %s END, %s "
            f"FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[]) AS x(n, c, a, s, e)",
            # Python's clock, the one the claim compares with (and the one tests can travel).
            [DeliveryStatus.PENDING.value, now, DeliveryStatus.SENT.value, now, now, *[list(c) for c in cols]])


def notify(*, key: str, kind: str, recipients: Iterable, title: str, body: str = "", url: str = "",
           subject: str = "", task: str = "") -> int:
    """Create one notification per recipient (an account, a Deputy or a HandlingUnit), at most once
    per (key, recipient). Call it inside the transaction that made the change, so the rows exist
    exactly when the change does; delivery is queued after commit. Returns how many rows were new.

    `subject` names what it is about (e.g. "item:12"), `task` what it asks the recipients to do
    (empty for a message that asks nothing); see `notification_mark_done`."""
    return len(notify_many([{"key": key, "kind": kind, "recipients": list(recipients), "title": title,
                             "body": body, "url": url, "subject": subject, "task": task}]))


def enqueue_delivery(notification_ids: list[int]) -> bool:
    """Queue delivery of these notifications. Runs after commit. A broker that is down must not
    fail the request that made the change: the error is logged, the rows stay pending, and the
    periodic sweep sends them once the broker is back."""
    from ..tasks import deliver_notifications

    try:
        # Our own connection with one quick retry: Celery's default would keep a request waiting for
        # seconds while Redis is down.
        with deliver_notifications.app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2, timeout=2)
            for i in range(0, len(notification_ids), ENQUEUE_CHUNK):
                deliver_notifications.apply_async(args=[notification_ids[i:i + ENQUEUE_CHUNK]], connection=conn,
                                                  retry=False, queue=getattr(settings, "NOTIFY_CELERY_QUEUE", None) or None)
    except Exception as exc:  # any broker failure: the sweep will deliver
        logger.warning("通知入队失败,稍后由定时任务补发 (%s 条): %s", len(notification_ids), exc)
        return False
    return True


def notification_mark_read(*, user, notification_ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.for_user(user).unread()
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())


def notification_mark_done(*, subject: str, actor=None, open_tasks: Iterable[str] = ()) -> int:
    """Mark read the unread notifications about `subject` that need nothing more from their recipient:

    - those in the actor's inbox (addressed to the account, or to its handling unit): the recipient
      has acted on the subject, so has seen what it was told;
    - those whose task is not among `open_tasks` any more: someone else has done what it asked
      (one staff member assigned the item all staff were told about; the reply has been reviewed).

    Messages that ask nothing (no task) stay unread until read or acted on. Call it inside the
    transaction of the action, so the marks exist exactly when the action does."""
    if not subject:
        return 0
    done = ~Q(task="") & ~Q(task__in=list(open_tasks))
    if actor is not None and actor.is_authenticated:
        done |= Q(recipient=actor)
        if actor.unit_id and actor.has_role(Role.UNIT):
            done |= Q(recipient_unit_id=actor.unit_id)
    return Notification.objects.filter(subject=subject, read_at__isnull=True).filter(done).update(
        read_at=timezone.now())


def preference_set(*, user, channels: Iterable[str]) -> NotificationPreference:
    chosen = [c for c in OPTIONAL_CHANNELS if c in set(channels)]
    pref, _ = NotificationPreference.objects.update_or_create(user=user, defaults={"channels": chosen})
    return pref


def preference_get(user) -> list[str]:
    pref = NotificationPreference.objects.filter(user=user).values_list("channels", flat=True).first()
    return list(settings.NOTIFY_DEFAULT_CHANNELS if pref is None else pref)
