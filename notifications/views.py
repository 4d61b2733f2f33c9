from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.choices import Role
from core.access import role_required

from . import selectors, services
from .forms import MonitorFilterForm, PreferenceForm
from .models import Notification

MONITOR_ROLES = (Role.ADMIN, Role.DISTRICT_STAFF)


@login_required
def notification_list(request):
    """The notification centre (通知中心): my notifications, newest first."""
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(selectors.notifications_for_list(request.user, unread_only=unread_only), 20).get_page(
        request.GET.get("page"))
    return render(request, "notifications/list.html", {
        "page_obj": page, "notifications": page.object_list, "unread_only": unread_only,
    })


@login_required
def notification_detail(request, pk):
    notification = get_object_or_404(Notification.objects.visible_to(request.user).select_related(
        "recipient", "recipient_deputy", "recipient_unit"), pk=pk)
    can_monitor = request.user.has_role(*MONITOR_ROLES)
    return render(request, "notifications/detail.html", {
        "notification": notification, "can_monitor": can_monitor,
        "deliveries": notification.deliveries.order_by("channel") if can_monitor else None,
        "is_mine": Notification.objects.for_user(request.user).filter(pk=pk).exists(),
    })


@require_POST
@login_required
def notification_open(request, pk):
    """Mark as read and go to what it is about (the item)."""
    notification = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
    services.notification_mark_read(user=request.user, notification_ids=[notification.pk])
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:detail", pk=notification.pk)


@require_POST
@login_required
def notification_mark_read(request):
    ids = request.POST.getlist("id")
    count = services.notification_mark_read(
        user=request.user, notification_ids=[int(i) for i in ids if i.isdigit()] if ids else None)
    messages.success(request, _("已将 %(n)s 条通知标为已读。") % {"n": count})
    return redirect("notifications:list")


@login_required
def preferences(request):
    """Which channels I receive notifications on (通知设置)."""
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            services.preference_set(user=request.user, channels=form.cleaned_data["channels"])
            messages.success(request, _("通知方式已保存。"))
            return redirect("notifications:preferences")
    else:
        form = PreferenceForm(initial={"channels": services.preference_get(request.user)})
    deputy = request.user.deputy_profile
    return render(request, "notifications/preferences.html", {
        "form": form, "mobile": request.user.mobile or (deputy.mobile if deputy else ""),
    })


@role_required(*MONITOR_ROLES)
def monitor(request):
    """Delivery monitor (投递监控) for staff: per notification, whether and when each channel delivered."""
    form = MonitorFilterForm(request.GET or None)
    status = channel = ""
    if form.is_valid():
        status, channel = form.cleaned_data["status"], form.cleaned_data["channel"]
    qs = selectors.notifications_for_monitor(status=status)
    if channel:
        qs = qs.filter(deliveries__channel=channel).distinct()
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/monitor.html", {
        "form": form, "page_obj": page, "notifications": page.object_list,
        "undeliverable_count": Notification.objects.undeliverable().count(),
    })


@require_POST
@role_required(*MONITOR_ROLES)
def retry(request, pk):
    notification = get_object_or_404(Notification.objects.visible_to(request.user), pk=pk)
    count = services.delivery_retry(notification=notification)
    if count:
        messages.success(request, _("已重新安排发送 %(n)s 个渠道。") % {"n": count})
    else:
        messages.info(request, _("没有发送失败的渠道。"))
    return redirect("notifications:detail", pk=notification.pk)
