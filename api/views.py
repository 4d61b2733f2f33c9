"""The JSON API v1 (issue 14). Thin, as the pages are: scope the object (``visible_to``: out of scope is
404), check the role (403), validate with the page's form, call the same service, answer JSON. Workflow
actions run through the page's own action table (petitions.views.ACTIONS: form + service per action),
so the API is another door to the same services, never a second implementation."""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.choices import Role
from core import downloads
from core.loops import LoopError
from notifications import selectors as notification_selectors
from notifications import services as notification_services
from notifications.models import Notification
from petitions import forms as item_forms
from petitions import selectors as item_selectors
from petitions import timeline, workflow
from petitions.models import Attachment, Item, ItemEvent

from . import serializers as s
from . import services
from .errors import ApiError, form_error, loop_error
from .forms import form_data, wants
from .idempotency import idempotent
from .models import Device
from .throttles import IPThrottle, SignInThrottle

ERRORS = {code: OpenApiResponse(s.ErrorSerializer, description=text) for code, text in {
    400: "请求内容不正确(fields 说明各字段)", 401: "未登录或凭证无效", 403: "角色无权使用", 404: "不存在或不在您的范围内",
    409: "当前状态不允许该操作", 422: "Idempotency-Key 已用于另一个请求", 429: "请求过于频繁",
    503: "微信或短信服务暂时不可用"}.items()}
IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", {"type": "string", "minLength": 1, "maxLength": 100, "pattern": "^[!-~]+$"},
    OpenApiParameter.HEADER, required=False,
    description="重试同一请求时使用同一个键(最长 100 字符):只执行一次,返回第一次的结果。")


def errors(*codes, idempotent=False):
    """The error answers an operation documents: its own, 429 everywhere, and for a POST honouring an
    Idempotency-Key the key's refusals (400 malformed, 409 still in progress, 422 used for another request)."""
    extra = (400, 409, 422) if idempotent else ()
    return {code: ERRORS[code] for code in sorted({*codes, *extra, 429})}


class Pagination(CursorPagination):
    """Cursor pagination, newest first (by id: unique, indexed, and never null)."""

    ordering = "-id"
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def decode_cursor(self, request):
        from rest_framework.exceptions import NotFound

        try:
            return super().decode_cursor(request)
        except NotFound:  # a mangled cursor is a bad request, not a missing page
            raise ApiError(_("未能办理,请按提示修改后重新提交。"), fields={"cursor": [_("分页游标无效,请从第一页重新开始。")]})


def paginated(serializer_class):
    return inline_serializer(f"Paginated{serializer_class.__name__.removesuffix('Serializer')}", fields={
        "next": serializers.URLField(allow_null=True), "previous": serializers.URLField(allow_null=True),
        "results": serializer_class(many=True)})


# ---- auth ---------------------------------------------------------------------------------------


class SignInView(APIView):
    """用户名和密码登录,为这台设备签发访问令牌和刷新令牌(账号连续输错后被锁定,与网页登录相同)。"""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [SignInThrottle, IPThrottle]

    @extend_schema(request=s.SignInSerializer, responses={201: s.TokenSerializer, **errors(400, 403, 429)},
                   auth=[], operation_id="auth_token")
    def post(self, request):
        from accounts.forms import LoginForm

        body = s.SignInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        django_request = request._request
        form = LoginForm(django_request, data={"username": body.validated_data["username"],
                                               "password": body.validated_data["password"]})
        if not form.is_valid():
            if getattr(django_request, "axes_locked_out", False):
                # Our JSON answer, not django-axes' HTML page (AxesMiddleware swaps the response otherwise).
                django_request.axes_locked_out = False
                raise ApiError(_("连续 %(n)s 次登录失败,账号已被暂时锁定。请稍后再试,或联系系统管理员解锁。")
                               % {"n": settings.AXES_FAILURE_LIMIT}, code="locked_out", status_code=403)
            raise ApiError(" ".join(form.non_field_errors()), code="invalid_login")
        user = form.get_user()
        if user.must_change_password:
            raise ApiError(_("您的密码由管理员设置,请先在网页上登录并修改为自己的密码。"), code="password_change_required",
                           status_code=403)
        issued = services.device_sign_in(user=user, name=body.validated_data.get("device", ""), request=django_request)
        return Response(s.TokenSerializer.from_issued(issued), status=status.HTTP_201_CREATED)


class RefreshView(APIView):
    """用刷新令牌换取新的访问令牌和刷新令牌(旧的两个随即失效)。"""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [SignInThrottle, IPThrottle]

    @extend_schema(request=s.RefreshSerializer, responses={200: s.TokenSerializer, **errors(400, 401, 429)},
                   auth=[], operation_id="auth_refresh")
    def post(self, request):
        body = s.RefreshSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        issued = services.device_refresh(refresh_token=body.validated_data["refresh_token"], request=request._request)
        if issued is None:
            raise ApiError(_("刷新令牌无效、已过期或已注销,请重新登录。"), code="invalid_refresh_token", status_code=401)
        return Response(s.TokenSerializer.from_issued(issued))


def _client_ip(request) -> str:
    from audit.context import client_ip

    return client_ip(request._request) or request.META.get("REMOTE_ADDR", "") or "unknown"


def _wechat_refused(exc) -> ApiError:
    return ApiError(exc.message, code=exc.code, status_code=exc.status_code)


class WeChatSignInView(APIView):
    """微信小程序登录:用 wx.login() 的 code 换取登录。已绑定的微信直接签发访问令牌和刷新令牌(201);
    首次登录返回绑定凭证 bind_token(202),再用手机号和短信验证码绑定账号。
    不接受 Idempotency-Key:code 只能用一次,重试请重新调用 wx.login()。"""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [SignInThrottle, IPThrottle]

    @extend_schema(request=s.WeChatSignInSerializer,
                   responses={201: s.TokenSerializer, 202: s.WeChatBindRequiredSerializer,
                              **errors(400, 403, 429, 503)}, auth=[], operation_id="auth_wechat")
    def post(self, request):
        from .wechat import WeChatError

        body = s.WeChatSignInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            done = services.wechat_sign_in(code=body.validated_data["code"],
                                           device_name=body.validated_data.get("device", ""), request=request._request)
        except WeChatError as exc:
            raise _wechat_refused(exc)
        if done.tokens is not None:
            return Response(s.TokenSerializer.from_issued(done.tokens), status=status.HTTP_201_CREATED)
        return Response({"bind_required": True, "bind_token": done.bind_token,
                         "expires_in": int((done.expires_at - timezone.now()).total_seconds()),
                         "message": _("首次使用微信登录,请输入登记的手机号码,用短信验证码绑定账号。")},
                        status=status.HTTP_202_ACCEPTED)


class WeChatBindView(APIView):
    """向手机号发送绑定验证码。只有登记在账号或代表名册中的手机号会收到短信,但无论是否登记,回答都相同。
    同一手机号一分钟内重复请求(重试)不会重复发送。"""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [SignInThrottle, IPThrottle]

    @extend_schema(request=s.WeChatBindSerializer, responses={200: s.WeChatBindSentSerializer,
                                                              **errors(400, 429, 503)},
                   auth=[], operation_id="auth_wechat_bind")
    def post(self, request):
        body = s.WeChatBindSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            expires = services.wechat_bind_send(bind_token=body.validated_data["bind_token"],
                                                mobile=body.validated_data["mobile"], ip=_client_ip(request))
        except services.WeChatBindRefused as exc:
            raise _wechat_refused(exc)
        return Response({"message": _("如果该手机号已在本平台登记,验证码短信已发送,10 分钟内有效。"),
                         "expires_in": max(0, int((expires - timezone.now()).total_seconds()))})


class WeChatBindConfirmView(APIView):
    """核对短信验证码,把微信绑定到该手机号的账号,并签发访问令牌和刷新令牌。验证码最多输错 5 次。
    绑定成功后 bind_token 即失效:如未收到应答,重新调用 wx.login() 和 auth/wechat 即可直接登录。"""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [SignInThrottle, IPThrottle]

    @extend_schema(request=s.WeChatBindConfirmSerializer, responses={201: s.TokenSerializer, **errors(400, 429, 503)},
                   auth=[], operation_id="auth_wechat_bind_confirm")
    def post(self, request):
        body = s.WeChatBindConfirmSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            issued = services.wechat_bind_confirm(bind_token=data["bind_token"], mobile=data["mobile"],
                                                  sms_code=data["sms_code"], device_name=data.get("device", ""),
                                                  request=request._request)
        except services.WeChatBindRefused as exc:
            raise _wechat_refused(exc)
        return Response(s.TokenSerializer.from_issued(issued), status=status.HTTP_201_CREATED)


class SignOutView(APIView):
    """注销当前设备(访问令牌和刷新令牌随即失效)。"""

    @extend_schema(request=None, responses={204: None, **errors(401)}, operation_id="auth_logout")
    def post(self, request):
        if isinstance(request.auth, Device):
            services.device_revoke(device=request.auth, actor=request.user, request=request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DeviceListView(APIView):
    """我的接口登录设备(管理员看到所有人的)。"""

    @extend_schema(responses={200: s.DeviceSerializer(many=True), **errors(401)}, operation_id="auth_devices")
    def get(self, request):
        devices = Device.objects.visible_to(request.user).live().order_by("-last_used_at", "-id")[:100]
        return Response(s.DeviceSerializer(devices, many=True, context={"request": request}).data)


class DeviceRevokeView(APIView):
    """注销一台设备:本人或系统管理员。"""

    @extend_schema(request=None, responses={200: s.DeviceSerializer, **errors(401, 404, idempotent=True)},
                   parameters=[IDEMPOTENCY_HEADER], operation_id="auth_device_revoke")
    @idempotent
    def post(self, request, pk):
        device = get_object_or_404(Device.objects.visible_to(request.user), pk=pk)
        services.device_revoke(device=device, actor=request.user, request=request._request)
        device.refresh_from_db()
        return Response(s.DeviceSerializer(device, context={"request": request}).data)


# ---- me and notifications -----------------------------------------------------------------------


class MeView(APIView):
    """当前登录的账号:姓名、角色、所属区划或单位、代表身份、未读通知数。"""

    @extend_schema(responses={200: s.MeSerializer, **errors(401)}, operation_id="me")
    def get(self, request):
        return Response(s.MeSerializer(request.user).data)


class NotificationListView(APIView):
    """我的通知(通知中心),最新的在前;unread=1 只看未读。"""

    @extend_schema(parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL, required=False),
                               OpenApiParameter("cursor", OpenApiTypes.STR, required=False),
                               OpenApiParameter("page_size", OpenApiTypes.INT, required=False)],
                   responses={200: paginated(s.NotificationSerializer), **errors(400, 401)}, operation_id="notifications_list")
    def get(self, request):
        unread = request.query_params.get("unread", "").lower() in ("1", "true")
        qs = notification_selectors.notifications_for_list(request.user, unread_only=unread)
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(s.NotificationSerializer(page, many=True).data)


class NotificationMarkReadView(APIView):
    """把通知标为已读:ids 中的,或省略 ids 时全部。"""

    @extend_schema(request=s.MarkReadSerializer, responses={200: s.MarkedSerializer, **errors(400, 401, idempotent=True)},
                   parameters=[IDEMPOTENCY_HEADER], operation_id="notifications_mark_read")
    @idempotent
    def post(self, request):
        body = s.MarkReadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ids = body.validated_data.get("ids")
        marked = notification_services.notification_mark_read(user=request.user, notification_ids=ids)
        return Response({"marked": marked})


class NotificationReadView(APIView):
    """把一条通知标为已读(只能是自己的)。"""

    @extend_schema(request=None, responses={200: s.NotificationSerializer, **errors(401, 404, idempotent=True)},
                   parameters=[IDEMPOTENCY_HEADER], operation_id="notification_read")
    @idempotent
    def post(self, request, pk):
        notification = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
        notification_services.notification_mark_read(user=request.user, notification_ids=[notification.pk])
        notification.refresh_from_db()
        return Response(s.NotificationSerializer(notification).data)


# ---- opinion items ------------------------------------------------------------------------------


def _actions():
    from petitions.views import ACTIONS

    return ACTIONS


def _item_roles():
    from petitions.views import OWNER_ROLES

    return OWNER_ROLES


def item_actions(user, item) -> list[str]:
    """The action endpoints this user may use on the item now: the same buttons the item page shows."""
    allowed = workflow.allowed_actions(user, item)
    return [name for name, spec in _actions().items()
            if user.has_role(*spec.roles) and (name in allowed or allowed & set(spec.shows))]


def item_detail_data(user, item) -> dict:
    events = (ItemEvent.objects.filter(item=item).select_related("actor", "actor_unit")
              .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id"))))
    context = {"rows": timeline.rows_for(user, item, events), "actions": item_actions(user, item),
               "reply_visible": timeline.reply_visible(user, item), "today": timezone.localdate()}
    return s.ItemDetailSerializer(item, context=context).data


def _default_box(user) -> str:
    return "mine" if user.roles and user.roles <= item_selectors.DEPUTY_ROLES else "all"


ITEM_FILTERS = [
    OpenApiParameter("box", OpenApiTypes.STR, required=False, enum=list(item_selectors.BOXES),
                     description="工作箱:代表默认 mine,其他角色默认 all"),
    *(OpenApiParameter(name, OpenApiTypes.STR, required=False) for name in
      ("q", "state", "stage", "category", "source")),
    OpenApiParameter("area", OpenApiTypes.INT, required=False),
    OpenApiParameter("unit", OpenApiTypes.INT, required=False),
    OpenApiParameter("month", OpenApiTypes.STR, required=False, description="计入月份 YYYY-MM"),
    OpenApiParameter("overdue", OpenApiTypes.BOOL, required=False),
    OpenApiParameter("cursor", OpenApiTypes.STR, required=False),
    OpenApiParameter("page_size", OpenApiTypes.INT, required=False),
]


# Fields the new-item page shows filled in (this month, the deputy's own town, 走访选民).
CREATE_DEFAULTS = ("period", "area", "source")


class ItemListView(APIView):
    """社情民意列表(与网页相同的工作箱和筛选条件),以及新建一条(代表本人,或工作人员代为录入)。"""

    @extend_schema(parameters=ITEM_FILTERS, responses={200: paginated(s.ItemRowSerializer), **errors(400, 401, 403)},
                   operation_id="items_list")
    def get(self, request):
        user, today = request.user, timezone.localdate()
        box = request.query_params.get("box") or _default_box(user)
        spec = item_selectors.BOXES.get(box)
        if spec is None:
            raise ApiError(_("未能办理,请按提示修改后重新提交。"), fields={"box": [_("没有这个工作箱。")]})
        if not user.roles & spec.roles:
            raise ApiError(_("您无权查看该工作箱。"), code="permission_denied", status_code=403)
        simple = spec.roles <= item_selectors.DEPUTY_ROLES
        form = (item_forms.DeputyItemFilterForm if simple else item_forms.ItemFilterForm)(request.query_params, user=user)
        if not form.is_valid():
            raise form_error(form)
        qs = item_selectors.filter_items(item_selectors.box_queryset(user, box, today), form.cleaned_data, today)
        paginator = Pagination()
        page = paginator.paginate_queryset(item_selectors.item_list(qs), request, view=self)
        return paginator.get_paginated_response(s.ItemRowSerializer(page, many=True, context={"today": today}).data)

    @extend_schema(request={"application/json": s.ItemCreateSerializer, "multipart/form-data": s.ItemCreateSerializer},
                   responses={201: s.ActionResultSerializer, **errors(400, 401, 403, idempotent=True)},
                   parameters=[IDEMPOTENCY_HEADER], operation_id="items_create")
    @idempotent
    def post(self, request):
        user = request.user
        if not user.has_role(*_item_roles()) or (user.deputy_profile is None and not user.is_staff_role):
            raise ApiError(_("您无权新建社情民意。"), code="permission_denied", status_code=403)
        on_behalf = user.is_staff_role and user.deputy_profile is None
        submitting = wants(request.data, "submit")
        kwargs = {"user": user, "deputy_choice": on_behalf, "deputy": None if on_behalf else user.deputy_profile}
        data = form_data(request.data, item_forms.ItemForm)
        blank = item_forms.ItemForm(**kwargs)
        for name in CREATE_DEFAULTS:  # what the page's form comes pre-filled with, when the body leaves it out
            value = blank.get_initial_for_field(blank.fields[name], name)
            if name not in data and value not in (None, ""):
                data[name] = str(getattr(value, "pk", value))
        form = item_forms.ItemForm(data, request.FILES, submitting=submitting, **kwargs)
        if not form.is_valid():
            raise form_error(form)
        data = form.cleaned_data
        deputy = data["deputy"] if on_behalf else user.deputy_profile
        try:
            item = workflow.item_create(actor=user, deputy=deputy, data=data, files=data["files"],
                                        co_deputies=data.get("co_deputies") or (), submit=False)
        except LoopError as exc:
            raise loop_error(exc)
        message = _("草稿已保存。")
        if submitting:
            try:
                item = workflow.item_submit(item=item, actor=user)
                message = _("已提交,编号 %(n)s。") % {"n": item.number}
            except LoopError as exc:
                message = _("草稿已保存,但未能提交:%(m)s") % {"m": exc.message}
        item = item_selectors.item_detail(user, item.pk)
        response = Response({"message": message, "item": item_detail_data(user, item)}, status=status.HTTP_201_CREATED)
        response["Location"] = f"/api/v1/items/{item.pk}"
        return response


def etag_for(data) -> str:
    body = json.dumps(data, sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder).encode()
    return '"' + hashlib.sha256(body).hexdigest()[:40] + '"'


def _matches(header: str, etag: str) -> bool:
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    return "*" in tags or etag in tags


def etag_response(request, data) -> Response:
    """A detail read with its ETag: 304 and no body when the client's copy (If-None-Match) is current.
    The tag is the digest of this reader's answer, so it changes with anything they would see change."""
    etag = etag_for(data)
    if _matches(request.headers.get("If-None-Match", ""), etag):
        response = Response(status=status.HTTP_304_NOT_MODIFIED)
    else:
        response = Response(data)
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


class ItemDetailView(APIView):
    """一条社情民意:内容、答复(代表在反馈后可见)、办理记录时间线,以及您现在可以执行的操作。
    带 ETag;If-None-Match 相同则返回 304。"""

    @extend_schema(parameters=[OpenApiParameter("If-None-Match", OpenApiTypes.STR, OpenApiParameter.HEADER,
                                                required=False)],
                   responses={200: s.ItemDetailSerializer, 304: OpenApiResponse(description="未修改"),
                              **errors(401, 404)}, operation_id="item_detail")
    def get(self, request, pk):
        item = item_selectors.item_detail(request.user, pk)
        return etag_response(request, item_detail_data(request.user, item))


def run_action(request, actions: dict, action: str, get_object) -> str:
    """One workflow action through the pages' own action table (core.loops.views.ActionSpec): unknown
    action 404, a role that may not 403, the object out of scope 404 (`get_object`), the action's form
    validated as on the page, then its service. Returns the page's success message."""
    user = request.user
    spec = actions.get(action)
    if spec is None:
        raise Http404
    if not user.has_role(*spec.roles):
        raise ApiError(_("您无权执行该操作。"), code="permission_denied", status_code=403)
    obj = get_object()
    data = {}
    if spec.form is not None:
        form = spec.form(form_data(request.data, spec.form), request.FILES, **spec.kwargs_for(user, obj))
        if not form.is_valid():
            raise form_error(form)
        data = form.cleaned_data
    try:
        done = spec.run(user, obj, data)
    except LoopError as exc:
        raise loop_error(exc)
    return str(spec.done(done) if callable(spec.done) else spec.done)


class ItemActionView(APIView):
    """对一条社情民意执行一个办理操作(与网页的按钮相同:提交、交办、办理结果、评价……),请求内容为该操作
    表单的字段。"""

    @extend_schema(
        parameters=[OpenApiParameter("action", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(_actions())),
                    IDEMPOTENCY_HEADER],
        request={"application/json": OpenApiTypes.OBJECT, "multipart/form-data": OpenApiTypes.OBJECT},
        responses={200: s.ActionResultSerializer, **errors(400, 401, 403, 404, idempotent=True)}, operation_id="item_action")
    @idempotent
    def post(self, request, pk, action):
        user = request.user
        message = run_action(request, _actions(), action,
                             lambda: get_object_or_404(Item.objects.visible_to(user), pk=pk))
        try:
            detail = item_detail_data(user, item_selectors.item_detail(user, pk))
        except Http404:  # the action took it out of this user's scope
            detail = None
        return Response({"message": str(message), "item": detail})



class AttachmentDownloadView(APIView):
    """下载事项附件(照片、PDF 等):与网页相同,只能下载您能看到的办理记录中的附件。"""

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **errors(401, 404)},
                   operation_id="attachment_download")
    def get(self, request, pk):
        attachment = get_object_or_404(
            Attachment.objects.filter(item__in=Item.objects.visible_to(request.user)).select_related("item"), pk=pk)
        if not timeline.attachment_visible(request.user, attachment):
            raise Http404  # a file of a note this reader may not read (a reply not yet passed on)
        return downloads.stored_file(attachment.file, filename=attachment.name, content_type=attachment.content_type,
                                     inline=False, csp="default-src 'none'")


# ---- deputy suggestions (read) ------------------------------------------------------------------


def _suggestion_roles():
    from suggestions.views import READ_ROLES

    return READ_ROLES


class SuggestionListView(APIView):
    """代表建议列表(与网页相同的范围和筛选:关键词、会议、状态、主办单位),以及提出一件新建议。"""

    @extend_schema(parameters=[OpenApiParameter("q", OpenApiTypes.STR, required=False),
                               OpenApiParameter("session", OpenApiTypes.INT, required=False),
                               OpenApiParameter("state", OpenApiTypes.STR, required=False),
                               OpenApiParameter("unit", OpenApiTypes.INT, required=False),
                               OpenApiParameter("cursor", OpenApiTypes.STR, required=False),
                               OpenApiParameter("page_size", OpenApiTypes.INT, required=False)],
                   responses={200: paginated(s.SuggestionRowSerializer), **errors(400, 401, 403)},
                   operation_id="suggestions_list")
    def get(self, request):
        from suggestions.choices import REPLYING_ROLES
        from suggestions.forms import SuggestionFilterForm
        from suggestions.models import Suggestion, SuggestionUnit

        if not request.user.roles & _suggestion_roles():
            raise ApiError(_("您无权查看代表建议。"), code="permission_denied", status_code=403)
        form = SuggestionFilterForm(request.query_params)
        if not form.is_valid():
            raise form_error(form)
        current = SuggestionUnit.objects.filter(is_current=True, cancelled_at__isnull=True, role__in=REPLYING_ROLES)
        qs = (form.filter(Suggestion.objects.visible_to(request.user)).select_related("session", "lead_deputy")
              .prefetch_related(Prefetch("units", queryset=current.select_related("unit").order_by("role", "id"),
                                         to_attr="lead_units")))
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(s.SuggestionRowSerializer(page, many=True).data)

    @extend_schema(request={"application/json": s.SuggestionCreateSerializer,
                            "multipart/form-data": s.SuggestionCreateSerializer},
                   responses={201: s.SuggestionResultSerializer, **errors(400, 401, 403, idempotent=True)},
                   parameters=[IDEMPOTENCY_HEADER], operation_id="suggestions_create")
    @idempotent
    def post(self, request):
        """提出一件代表建议(领衔代表本人,或人大工作人员代为录入纸质建议),保存为草稿;submit=true 同时提交。"""
        from suggestions import services as suggestion_services
        from suggestions.draft_forms import DraftForm
        from suggestions.drafting import _may_draft, _staff_entry

        user = request.user
        if not _may_draft(user):
            raise ApiError(_("您无权提出代表建议。"), code="permission_denied", status_code=403)
        staff = _staff_entry(user)
        data = form_data(request.data, DraftForm)
        blank = DraftForm(user=user, staff=staff)
        for name in SUGGESTION_DEFAULTS:
            value = blank.get_initial_for_field(blank.fields[name], name)
            if name not in data and value not in (None, ""):
                # (a bool is checked first: True == 1 would read as a session's id)
                data[name] = ("true" if value else "false") if isinstance(value, bool) else str(getattr(value, "pk", value))
        form = DraftForm(data, request.FILES, user=user, staff=staff)
        if not form.is_valid():
            raise form_error(form)
        cleaned = form.cleaned_data
        try:
            suggestion = suggestion_services.suggestion_create(
                actor=user, session=cleaned["session"], lead_deputy=cleaned["lead_deputy"] if staff else user.deputy_profile,
                data=form.data_for_service(), co_deputies=cleaned.get("co_deputies") or (), files=cleaned["files"])
            for deputy in cleaned.get("paper_signed") or ():  # staff hold these co-signers' paper signatures
                suggestion_services.suggestion_cosign(suggestion=suggestion, actor=user, deputy=deputy, on_paper=True)
        except LoopError as exc:
            raise loop_error(exc)
        message = _("草稿已保存。")
        if wants(request.data, "submit"):
            try:
                suggestion_services.suggestion_submit(suggestion=suggestion, actor=user)
                message = _("建议已提交。")
            except LoopError as exc:
                message = _("草稿已保存,但未能提交:%(m)s") % {"m": exc.message}
        response = Response({"message": message, "suggestion": suggestion_detail_data(user, suggestion.pk)},
                            status=status.HTTP_201_CREATED)
        response["Location"] = f"/api/v1/suggestions/{suggestion.pk}"
        return response


def _suggestion_actions():
    from suggestions.actions import ACTIONS

    return {name: ACTIONS[name] for name in SUGGESTION_ACTIONS}


# The page's actions a deputy takes from the mini-program (suggestions.actions.ACTIONS, same forms and
# services): submit a draft, confirm a co-signature (附议), evaluate the answer.
SUGGESTION_ACTIONS = ("submit", "cosign", "evaluate")


def suggestion_detail_data(user, pk) -> dict:
    """One suggestion in the reader's scope (404 otherwise), as its page shows it, with the actions the
    reader may take now."""
    from suggestions.models import CoSigner, Reply, Suggestion, SuggestionEvent
    from suggestions.services import suggestion_actions

    suggestion = get_object_or_404(Suggestion.objects.visible_to(user).select_related(
        "session", "lead_deputy", "category"), pk=pk)
    suggestion.lead_units = []
    suggestion.api_cosigners = CoSigner.objects.filter(suggestion=suggestion).select_related("deputy").order_by("id")
    suggestion.api_replies = (Reply.objects.filter(suggestion=suggestion).select_related("unit")
                              .order_by("round", "submitted_at", "id"))
    suggestion.api_events = (SuggestionEvent.objects.filter(suggestion=suggestion)
                             .select_related("actor", "actor_unit").order_by("created_at", "id"))
    allowed = suggestion_actions(user, suggestion)
    suggestion.api_actions = [name for name, spec in _suggestion_actions().items()
                              if user.has_role(*spec.roles) and allowed & set(spec.shows)]
    return s.SuggestionDetailSerializer(suggestion).data


def _refuse_suggestion_readers(user):
    if not user.roles & _suggestion_roles():
        raise ApiError(_("您无权查看代表建议。"), code="permission_denied", status_code=403)


class SuggestionDetailView(APIView):
    """一件代表建议:内容、附议代表、各轮答复、评价和办理记录(不含联系人和电话),以及您现在可以执行的操作。"""

    @extend_schema(parameters=[OpenApiParameter("If-None-Match", OpenApiTypes.STR, OpenApiParameter.HEADER,
                                                required=False)],
                   responses={200: s.SuggestionDetailSerializer, 304: OpenApiResponse(description="未修改"),
                              **errors(401, 403, 404)}, operation_id="suggestion_detail")
    def get(self, request, pk):
        _refuse_suggestion_readers(request.user)
        return etag_response(request, suggestion_detail_data(request.user, pk))


# Fields the new-suggestion page shows filled in (the single open session, 同意公开 ticked).
SUGGESTION_DEFAULTS = ("session", "consent_public")


class SuggestionActionView(APIView):
    """对一件代表建议执行一个操作(与网页相同):submit 提交草稿;cosign 附议代表确认附议(工作人员录入纸质签名时
    带 deputy);evaluate 领衔代表评价办理工作和办理结果(work_rating、result_rating、comment)。"""

    @extend_schema(
        parameters=[OpenApiParameter("action", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(SUGGESTION_ACTIONS)),
                    IDEMPOTENCY_HEADER],
        request={"application/json": s.SuggestionActionSerializer, "multipart/form-data": s.SuggestionActionSerializer},
        responses={200: s.SuggestionResultSerializer, **errors(400, 401, 403, 404, idempotent=True)},
        operation_id="suggestion_action")
    @idempotent
    def post(self, request, pk, action):
        from suggestions.models import Suggestion

        user = request.user
        message = run_action(request, _suggestion_actions(), action,
                             lambda: get_object_or_404(Suggestion.objects.visible_to(user), pk=pk))
        try:
            detail = suggestion_detail_data(user, pk)
        except Http404:
            detail = None
        return Response({"message": str(message), "suggestion": detail})


# ---- activities ---------------------------------------------------------------------------------


def _activity_readers():
    from activities.views import READERS

    return READERS


# An action endpoint → the deputy's answer it gives (activities.services.attendance_answer).
ACTIVITY_ACTIONS = {"sign_in": "attended", "ask_leave": "leave"}
ACTIVITY_DONE = {"sign_in": gettext_lazy("已签到。"), "ask_leave": gettext_lazy("已请假。")}
# Who answers an invitation: the deputy in person (the service checks it is their own invitation).
DEPUTY_API_ROLES = (Role.DEPUTY, Role.GROUP_LEADER)


class ActivityPagination(Pagination):
    """The list's order, newest activity first (the date, then the id breaks ties)."""

    ordering = ("-date", "-id")


def _with_my_status(qs, user):
    from django.db.models import CharField, OuterRef, Subquery, Value

    from activities.models import Attendance

    deputy = user.deputy_profile
    if deputy is None:
        return qs.annotate(my_status=Value(None, output_field=CharField()))
    return qs.annotate(my_status=Subquery(Attendance.objects.filter(activity=OuterRef("pk"), deputy=deputy)
                                          .values("status")[:1]))


def activity_detail_data(user, pk) -> dict:
    """One activity in the reader's scope (404 otherwise), as its page shows it."""
    from activities import selectors as activity_selectors
    from activities import services as activity_services
    activity = get_object_or_404(_with_my_status(activity_selectors.activity_list(user=user), user), pk=pk)
    activity.api_attendances = list(activity_selectors.attendances_of(activity))
    mine = next((a for a in activity.api_attendances if a.deputy_id == getattr(user.deputy_profile, "pk", None)),
                None)
    open_answers = activity_services.attendance_answers_open(activity=activity, row=mine) if mine else []
    activity.api_actions = [name for name, answer in ACTIVITY_ACTIONS.items()
                            if answer in open_answers and user.has_role(*DEPUTY_API_ROLES)]
    return s.ActivityDetailSerializer(activity).data



class ActivityListView(APIView):
    """履职活动列表(与网页相同的范围和筛选:类型、年份、关键词),最新的在前;my_status 为本人的出席情况。"""

    @extend_schema(parameters=[OpenApiParameter("kind", OpenApiTypes.STR, required=False),
                               OpenApiParameter("year", OpenApiTypes.INT, required=False),
                               OpenApiParameter("q", OpenApiTypes.STR, required=False),
                               OpenApiParameter("cursor", OpenApiTypes.STR, required=False),
                               OpenApiParameter("page_size", OpenApiTypes.INT, required=False)],
                   responses={200: paginated(s.ActivityRowSerializer), **errors(400, 401, 403)},
                   operation_id="activities_list")
    def get(self, request):
        from activities import selectors as activity_selectors

        if not request.user.has_role(*_activity_readers()):
            raise ApiError(_("您无权查看履职活动。"), code="permission_denied", status_code=403)
        params = request.query_params
        year = params.get("year") or None
        if year is not None:
            if not year.isdigit() or not 2000 <= int(year) <= 2100:
                raise ApiError(_("未能办理,请按提示修改后重新提交。"), fields={"year": [_("请输入 2000 至 2100 之间的年份。")]})
            year = int(year)
        qs = activity_selectors.activity_list(user=request.user, kind=params.get("kind", ""), year=year,
                                              q=params.get("q", "").strip()[:50])
        paginator = ActivityPagination()
        page = paginator.paginate_queryset(_with_my_status(qs, request.user), request, view=self)
        return paginator.get_paginated_response(s.ActivityRowSerializer(page, many=True).data)


class ActivityDetailView(APIView):
    """一项履职活动:内容、邀请的代表及出席情况,以及您现在可以做的(签到、请假)。带 ETag。"""

    @extend_schema(parameters=[OpenApiParameter("If-None-Match", OpenApiTypes.STR, OpenApiParameter.HEADER,
                                                required=False)],
                   responses={200: s.ActivityDetailSerializer, 304: OpenApiResponse(description="未修改"),
                              **errors(401, 404)}, operation_id="activity_detail")
    def get(self, request, pk):
        return etag_response(request, activity_detail_data(request.user, pk))


class ActivityActionView(APIView):
    """受邀代表本人:活动当天签到(sign_in),或在活动当天及以前请假(ask_leave,须写明事由 reason)。"""

    @extend_schema(
        parameters=[OpenApiParameter("action", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(ACTIVITY_ACTIONS)),
                    IDEMPOTENCY_HEADER],
        request=s.AskLeaveSerializer(required=False),
        responses={200: s.ActivityActionResultSerializer, **errors(400, 401, 403, 404, idempotent=True)},
        operation_id="activity_action")
    @idempotent
    def post(self, request, pk, action):
        from activities import services as activity_services
        from activities.models import Activity

        if action not in ACTIVITY_ACTIONS:
            raise Http404
        user = request.user
        if not user.has_role(*DEPUTY_API_ROLES):
            raise ApiError(_("只有受邀代表本人可以签到或请假。"), code="permission_denied", status_code=403)
        activity = get_object_or_404(Activity.objects.visible_to(user), pk=pk)
        reason = ""
        if action == "ask_leave":
            body = s.AskLeaveSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            reason = body.validated_data["reason"]
        try:
            activity_services.attendance_answer(activity=activity, actor=user, status=ACTIVITY_ACTIONS[action],
                                                note=reason)
        except LoopError as exc:
            raise loop_error(exc)
        return Response({"message": str(ACTIVITY_DONE[action]), "activity": activity_detail_data(user, pk)})
