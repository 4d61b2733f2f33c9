"""The one client of WeChat's servers: code2Session for the mini-program's sign-in (微信登录).

``GET {WECHAT_API_BASE_URL}/sns/jscode2session?appid&secret&js_code&grant_type=authorization_code``
answers ``{openid, session_key, unionid?}`` or ``{errcode, errmsg}``. Only the openid (and unionid) come
out of this class: the session_key is dropped here, so it is never stored, logged or returned. Every
failure, the network's or WeChat's, is a `WeChatError` with a message for the person signing in; the
settings are read at call time (tests point the base URL at a local fake server)."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("api.wechat")


class WeChatError(Exception):
    """A WeChat sign-in that cannot go on. ``code`` is ours; ``status_code`` 400 for the caller's code
    (used or expired), 503 when WeChat or our configuration fails, 403 for an account that may not sign in."""

    def __init__(self, message, *, code: str = "wechat_unavailable", status_code: int | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.code = code
        self.status_code = status_code or (400 if code == "wechat_code_invalid" else 503)


@dataclass(frozen=True)
class WeChatIdentity:
    """Who signed in, as far as we keep it: the openid for our app id, and the unionid if WeChat sent one."""

    openid: str
    unionid: str = ""


# errcode → (our code, message). 40029 invalid code, 40163 code already used, 40226 a blocked account,
# 45011 WeChat's own rate limit, -1 WeChat busy.
ERRCODES = {
    40029: ("wechat_code_invalid", _("微信登录凭证无效或已过期,请重新打开小程序登录。")),
    40163: ("wechat_code_invalid", _("微信登录凭证已使用过,请重新打开小程序登录。")),
    40226: ("wechat_refused", _("微信判定该账号存在风险,暂不能登录,请改用账号密码登录。")),
    45011: ("wechat_busy", _("微信登录过于频繁,请稍后再试。")),
    -1: ("wechat_busy", _("微信服务繁忙,请稍后再试。")),
}
UNAVAILABLE = _("暂时无法连接微信服务,请稍后再试,或改用账号密码登录。")


class WeChatClient:
    timeout = 5

    def __init__(self, base_url: str | None = None):
        self.base_url = (settings.WECHAT_API_BASE_URL if base_url is None else base_url).rstrip("/")

    def code2session(self, code: str) -> WeChatIdentity:
        app_id, secret = settings.WECHAT_APP_ID, settings.WECHAT_APP_SECRET
        if not app_id or not secret or not self.base_url:
            raise WeChatError(_("本平台尚未开通微信小程序登录,请使用账号密码登录。"), code="wechat_not_configured")
        query = urllib.parse.urlencode({"appid": app_id, "secret": secret, "js_code": code,
                                        "grant_type": "authorization_code"})
        request = urllib.request.Request(f"{self.base_url}/sns/jscode2session?{query}", method="GET")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - a configured URL
                answer = json.loads(response.read() or b"{}")
        except (urllib.error.URLError, OSError, ValueError) as exc:
            # Not the URL: it carries the secret.
            logger.warning("微信 code2Session 调用失败:%s", type(exc).__name__)
            raise WeChatError(UNAVAILABLE) from None
        if not isinstance(answer, dict):
            raise WeChatError(UNAVAILABLE)
        errcode = answer.get("errcode") or 0
        if errcode:
            logger.warning("微信 code2Session 返回错误 errcode=%s errmsg=%s", errcode, answer.get("errmsg", ""))
            our_code, message = ERRCODES.get(errcode, ("wechat_unavailable", UNAVAILABLE))
            raise WeChatError(message, code=our_code)
        openid = answer.get("openid")
        if not isinstance(openid, str) or not openid or len(openid) > 128:
            raise WeChatError(UNAVAILABLE)
        unionid = answer.get("unionid")
        return WeChatIdentity(openid=openid, unionid=unionid if isinstance(unionid, str) else "")
