"""Reads of 双联: a member's own deputies, the register, the contact lists and the figures. Every read
goes through the models' `visible_to(user)`; counts are computed in SQL."""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery
from django.utils import timezone

from accounts.choices import Role

from .models import Contact, Link, Opinion

RECENT = 10
CANDIDATES = 30


def quarter_range(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(year, 3 * quarter - 2, 1)
    end = datetime.date(year + 1, 1, 1) if quarter == 4 else datetime.date(year, 3 * quarter + 1, 1)
    return start, end - datetime.timedelta(days=1)


def quarter_of(day: datetime.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def current_term():
    """The district congress's current term (区N届): the one 双联 links are made for by default."""
    from deputies.choices import Level
    from deputies.models import CongressTerm

    terms = CongressTerm.objects.filter(level=Level.DISTRICT)
    return terms.filter(is_current=True).order_by("-number").first() or terms.order_by("-number").first()


def district_terms():
    from deputies.choices import Level
    from deputies.models import CongressTerm

    return list(CongressTerm.objects.filter(level=Level.DISTRICT).order_by("-number"))


def _area_name():
    """The area of the deputy's mandate of the link's term, for the rows that show it."""
    from deputies.models import Mandate

    return Subquery(Mandate.objects.filter(deputy=OuterRef("deputy_id"), term=OuterRef("term_id"))
                    .values("area__name")[:1])


def my_links(user, today: datetime.date | None = None):
    """A member's active links (我的双联) with this quarter's contacts and the last contact date."""
    start, end = quarter_range(*quarter_of(today or timezone.localdate()))
    return (Link.objects.filter(member=user, active=True).select_related("deputy", "term")
            .annotate(quarter_contacts=Count("contacts", filter=Q(contacts__date__range=(start, end))),
                      last_contact=Max("contacts__date"), area_name=_area_name())
            .order_by("deputy__name_pinyin", "id"))


def contacts(user, *, member: int | None = None, deputy: int | None = None, kind: str = ""):
    """Contacts in the user's scope, newest first, each with its opinions counted (heard, converted)."""
    qs = Contact.objects.visible_to(user)
    if member:
        qs = qs.filter(link__member_id=member)
    if deputy:
        qs = qs.filter(link__deputy_id=deputy)
    if kind:
        qs = qs.filter(kind=kind)
    return (qs.select_related("link__member", "link__deputy")
            .annotate(opinion_count=Count("opinions"),
                      converted_count=Count("opinions", filter=Q(opinions__item__isnull=False)))
            .order_by("-date", "-id"))


def contact_opinions(contact):
    return list(contact.opinions.select_related("item", "converted_by").order_by("id"))


def register(user, *, term=None, show_ended: bool = False):
    """The register (双联名单): links in scope with the deputy's area and their contacts counted, ordered by
    member so the page can group them."""
    qs = Link.objects.visible_to(user)
    if term is not None:
        qs = qs.filter(term=term)
    if not show_ended:
        qs = qs.filter(active=True)
    return (qs.select_related("member", "deputy", "term")
            .annotate(contact_count=Count("contacts"), last_contact=Max("contacts__date"), area_name=_area_name())
            .order_by("member__full_name", "member_id", "-active", "deputy__name_pinyin", "id"))


def members():
    """Everyone who holds the 常委会组成人员 role, for the register's choice of member."""
    from accounts.models import User

    return User.objects.filter(is_active=True, groups__name=Role.COMMITTEE_MEMBER).order_by("full_name", "username")


def deputy_candidates(*, term, text: str = ""):
    """Deputies with an in-office mandate of `term` matching the typed name or pinyin (the register's
    deputy search), at most CANDIDATES, each with the mandate's area."""
    from deputies.choices import MandateStatus
    from deputies.models import Deputy, Mandate
    from deputies.search import name_query

    if term is None:
        return Deputy.objects.none()
    mandates = Mandate.objects.filter(deputy=OuterRef("pk"), term=term)
    qs = (Deputy.objects.filter(Exists(mandates.filter(status=MandateStatus.IN_OFFICE)))
          .filter(name_query(text)).annotate(area_name=Subquery(mandates.values("area__name")[:1]))
          .order_by("name_pinyin", "id"))
    return qs[:CANDIDATES]


def years(user) -> list[int]:
    """The years with contacts the user may see, newest first, and always this year."""
    found = {d.year for d in Contact.objects.visible_to(user).dates("date", "year")}
    found.add(timezone.localdate().year)
    return sorted(found, reverse=True)


def figures(*, user, term, year: int, quarter: int) -> dict:
    """The 双联 figures of a term in the user's scope, for a quarter and its year: deputies covered
    (distinct deputies with an active link), contacts, opinions heard, how many became items and how
    many of those concluded, and per member this quarter's contacts (0: flagged 本季度未联系). Five
    queries whatever the number of rows."""
    from accounts.models import User
    from assessments.selectors import count_of
    from petitions.choices import State

    q_range = quarter_range(year, quarter)
    y_range = (datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    links = Link.objects.visible_to(user).filter(term=term)
    contact_rows = Contact.objects.visible_to(user).filter(link__term=term)
    opinion_rows = Opinion.objects.visible_to(user).filter(contact__link__term=term)

    out = links.aggregate(deputies_covered=Count("deputy", distinct=True, filter=Q(active=True)),
                          active_links=Count("id", filter=Q(active=True)))
    out.update(contact_rows.aggregate(contacts_quarter=Count("id", filter=Q(date__range=q_range)),
                                      contacts_year=Count("id", filter=Q(date__range=y_range))))
    sums = {}
    for key, span in (("quarter", q_range), ("year", y_range)):
        within = Q(contact__date__range=span)
        sums[f"heard_{key}"] = Count("id", filter=within)
        sums[f"converted_{key}"] = Count("id", filter=within & Q(item__isnull=False))
        sums[f"concluded_{key}"] = Count("id", filter=within & Q(item__state=State.CLOSED))
    out.update(opinion_rows.aggregate(**sums))
    out["periods"] = []
    for key in ("quarter", "year"):
        converted, concluded = out[f"converted_{key}"], out[f"concluded_{key}"]
        out["periods"].append({
            "key": key, "contacts": out[f"contacts_{key}"], "heard": out[f"heard_{key}"], "converted": converted,
            "concluded": concluded, "rate": round(100 * concluded / converted) if converted else None})

    # Per member: everyone with the role (district-wide viewers), or the members of the links in scope.
    linked = Q(pk__in=links.values("member_id"))
    if user.is_district_wide:
        linked |= Q(pk__in=User.objects.filter(is_active=True, groups__name=Role.COMMITTEE_MEMBER).values("pk"))
    rows = list(User.objects.filter(linked).annotate(
        deputy_count=count_of(links.filter(member=OuterRef("pk"), active=True), "deputy_id"),
        contacts_quarter=count_of(contact_rows.filter(link__member=OuterRef("pk"), date__range=q_range)),
        contacts_year=count_of(contact_rows.filter(link__member=OuterRef("pk"), date__range=y_range)),
        heard_quarter=count_of(opinion_rows.filter(contact__link__member=OuterRef("pk"),
                                                   contact__date__range=q_range)),
        converted_quarter=count_of(opinion_rows.filter(contact__link__member=OuterRef("pk"),
                                                       contact__date__range=q_range, item__isnull=False)),
    ).order_by("full_name", "username"))
    for row in rows:
        row.flagged = row.contacts_quarter == 0
    out["members"] = rows
    out["flagged_count"] = sum(1 for r in rows if r.flagged)
    return out
