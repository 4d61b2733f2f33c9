"""Pages of 双联: thin views — scope through visible_to, validate, call a service, redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.choices import Role
from core.access import role_required

from . import selectors, services
from .choices import Kind
from .forms import ContactForm, ConvertForm, LinkForm
from .models import (
    FIGURE_ROLES,
    MANAGE_ROLES,
    READ_ROLES,
    RECORD_ROLES,
    REGISTER_ROLES,
    Contact,
    Link,
    Opinion,
    is_member,
    may_manage,
)

PAGE_SIZE = 50


def _int(value, low: int, high: int) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


def _term(value):
    """The term chosen in a query string (a district term), else the current one."""
    pk = _int(value, 1, 2_147_483_647)
    terms = selectors.district_terms()  # newest first
    chosen = next((t for t in terms if t.pk == pk), None) or next((t for t in terms if t.is_current), None)
    return chosen or (terms[0] if terms else None), terms


@login_required
@require_GET
def index(request):
    """双联 in the menu: a member's own page, the register for staff and leaders, a deputy's contacts."""
    user = request.user
    if is_member(user):
        return redirect("liaison:mine")
    if user.has_role(*REGISTER_ROLES):
        return redirect("liaison:register")
    if user.has_role(*READ_ROLES):
        return redirect("liaison:contacts")
    raise PermissionDenied


@role_required(Role.COMMITTEE_MEMBER)
@require_GET
def mine(request):
    """我的双联: the member's deputies with this quarter's contacts, a 记录联系 button each, and the
    latest contacts."""
    links = list(selectors.my_links(request.user))
    recent = selectors.contacts(request.user, member=request.user.pk)[:selectors.RECENT]
    year, quarter = selectors.quarter_of(timezone.localdate())
    return render(request, "liaison/mine.html", {
        "links": links, "recent": recent, "year": year, "quarter": quarter,
        "quarter_total": sum(link.quarter_contacts for link in links),
        "idle": sum(1 for link in links if not link.quarter_contacts),
    })


@role_required(*READ_ROLES)
@require_GET
def contact_list(request):
    member = _int(request.GET.get("member"), 1, 2_147_483_647)
    deputy = _int(request.GET.get("deputy"), 1, 2_147_483_647)
    kind = request.GET.get("kind", "")
    kind = kind if kind in Kind.values else ""
    rows = selectors.contacts(request.user, member=member, deputy=deputy, kind=kind)
    return render(request, "liaison/contacts.html", {
        "page_obj": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "kind": kind, "kinds": Kind.choices, "member": member or "", "deputy": deputy or "",
        "may_see_register": request.user.has_role(*REGISTER_ROLES),
    })


@role_required(*RECORD_ROLES)
@require_http_methods(["GET", "POST"])
def contact_create(request, pk):
    link = get_object_or_404(Link.objects.visible_to(request.user).select_related("member", "deputy", "term"), pk=pk)
    if not Link.objects.recordable_by(request.user).filter(pk=link.pk).exists():
        raise PermissionDenied
    if not link.active:
        messages.error(request, _("该双联关系已结束,不能再记录联系。"))
        return redirect("liaison:index")
    form = ContactForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_record(actor=request.user, link=link, **form.service_kwargs())
        except services.NotAllowed as exc:
            raise PermissionDenied(exc.message) from None
        except services.LoopError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("联系记录已保存。"))
            return redirect(contact)
    elif request.method == "POST":
        messages.error(request, _("未能保存,请按提示修改。"))
    return render(request, "liaison/contact_form.html", {"form": form, "link": link},
                  status=400 if request.method == "POST" else 200)


@role_required(*READ_ROLES)
@require_GET
def contact_detail(request, pk):
    from petitions.models import Item

    contact = get_object_or_404(Contact.objects.visible_to(request.user).select_related(
        "link__member", "link__deputy", "link__term", "created_by"), pk=pk)
    opinions = selectors.contact_opinions(contact)
    item_ids = [o.item_id for o in opinions if o.item_id]
    readable = set(Item.objects.visible_to(request.user).filter(pk__in=item_ids).values_list("pk", flat=True)) \
        if item_ids else set()
    return render(request, "liaison/contact_detail.html", {
        "contact": contact, "link": contact.link, "opinions": opinions, "readable_items": readable,
        "may_convert": services.may_convert(request.user, contact.link), "convert_form": ConvertForm(),
    })


@role_required(*RECORD_ROLES)
@require_POST
def opinion_convert(request, pk):
    opinion = get_object_or_404(Opinion.objects.visible_to(request.user).select_related("contact__link"), pk=pk)
    contact = opinion.contact
    if not services.may_convert(request.user, contact.link):
        raise PermissionDenied
    form = ConvertForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {}
    try:
        opinion = services.opinion_convert(opinion=opinion, actor=request.user, category=data.get("category", ""),
                                           title=data.get("title", ""))
    except services.NotAllowed as exc:
        raise PermissionDenied(exc.message) from None
    except services.LoopError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已转为社情民意(编号 %(n)s),以代表名义提交待研处。") % {"n": opinion.item.number})
    return redirect(contact)


def _register(request, form, *, status=200, text="", term_and_terms=None):
    term, terms = term_and_terms or _term(request.GET.get("term") or request.POST.get("term"))
    show_ended = request.GET.get("ended") == "1"
    links = selectors.register(request.user, term=term, show_ended=show_ended)
    manage = may_manage(request.user)
    return render(request, "liaison/register.html", {
        "links": links, "term": term, "terms": terms, "show_ended": show_ended, "may_manage": manage,
        "may_see_figures": request.user.has_role(*FIGURE_ROLES), "form": form if manage else None,
        "deputy_text": text, "candidates": selectors.deputy_candidates(term=term, text=text) if text else [],
        "chosen_deputy": str((form.data.get("deputy") if form is not None and form.is_bound else "") or ""),
    }, status=status)


@role_required(*REGISTER_ROLES)
@require_GET
def register(request):
    """双联名单: the links in scope grouped by member; district staff add and end links here."""
    chosen = _term(request.GET.get("term"))
    form = LinkForm(initial={"since": timezone.localdate(), "term": chosen[0]}) if may_manage(request.user) else None
    return _register(request, form, term_and_terms=chosen)


@role_required(*MANAGE_ROLES)
@require_POST
def link_create(request):
    if not may_manage(request.user):
        raise PermissionDenied
    form = LinkForm(request.POST)
    text = request.POST.get("deputy_name", "").replace("\x00", "").strip()[:30]
    if request.POST.get("find"):  # 查找 (without JavaScript too): show the matching deputies, save nothing
        typed = {name: request.POST.get(name) for name in ("member", "term", "since")}
        return _register(request, LinkForm(initial=typed), text=text)
    if form.is_valid():
        try:
            link = services.link_create(actor=request.user, **form.service_kwargs())
        except services.NotAllowed as exc:
            raise PermissionDenied(exc.message) from None
        except services.LoopError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已结对:%(member)s — %(deputy)s。") % {
                "member": link.member, "deputy": link.deputy.name})
            return redirect("liaison:register")
    else:
        messages.error(request, _("未能结对,请按提示修改。"))
    return _register(request, form, status=400, text=text)


@role_required(*MANAGE_ROLES)
@require_POST
def link_end(request, pk):
    link = get_object_or_404(Link.objects.visible_to(request.user).select_related("member", "deputy"), pk=pk)
    if not may_manage(request.user):
        raise PermissionDenied
    try:
        services.link_end(actor=request.user, link=link)
    except services.NotAllowed as exc:
        raise PermissionDenied(exc.message) from None
    except services.LoopError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已结束 %(member)s 与 %(deputy)s 的双联关系。") % {
            "member": link.member, "deputy": link.deputy.name})
    return redirect("liaison:register")


@role_required(*FIGURE_ROLES)
@require_GET
def figures(request):
    """双联统计: a term's deputies covered, and for a quarter and its year the contacts, opinions heard,
    items made and concluded; per member this quarter's contacts, members without one flagged."""
    today_year, today_quarter = selectors.quarter_of(timezone.localdate())
    year = _int(request.GET.get("year"), 2000, 2100) or today_year
    quarter = _int(request.GET.get("quarter"), 1, 4) or (today_quarter if year == today_year else 4)
    term, terms = _term(request.GET.get("term"))
    return render(request, "liaison/figures.html", {
        "year": year, "quarter": quarter, "quarters": (1, 2, 3, 4), "years": selectors.years(request.user),
        "term": term, "terms": terms,
        "figures": selectors.figures(user=request.user, term=term, year=year, quarter=quarter),
    })
