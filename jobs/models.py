"""A background job (后台任务): a large export or import that runs in the Celery worker while its owner
watches a progress page (issue 16: no web request over the worker timeout; issue 17 defect 5)."""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .choices import FINISHED, JobKind, JobState


def new_token() -> str:
    return secrets.token_urlsafe(24)


class JobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Only the person who asked for a job sees it (its page, its file); everyone else gets a 404."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)


class Job(models.Model):
    """One export or import run in the background. Addressed by an opaque ``token`` (never the id). Its
    state is changed only by jobs/services.py, each step a conditional UPDATE (a redelivered message or a
    second worker cannot run a job twice). ``params`` is what the runner needs to redo the request: the
    list and its filter for an export (re-scoped to the owner when it runs), the staged file for an import."""

    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发起人"), on_delete=models.CASCADE,
                              related_name="jobs")
    kind = models.CharField(_("类型"), max_length=32, choices=JobKind.choices)
    state = models.CharField(_("状态"), max_length=16, choices=JobState.choices, default=JobState.PENDING)
    params = models.JSONField(default=dict, blank=True)
    total = models.PositiveIntegerField(_("总行数"), default=0)
    done = models.PositiveIntegerField(_("已处理行数"), default=0)
    result_file = models.CharField(_("结果文件"), max_length=300, blank=True)
    result_name = models.CharField(_("下载文件名"), max_length=200, blank=True)
    message = models.CharField(_("结果"), max_length=500, blank=True)
    error = models.CharField(_("错误信息"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "finished_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.get_state_display()}"

    def get_absolute_url(self):
        return reverse("jobs:detail", args=[self.token])

    @property
    def percent(self) -> int:
        if self.state == JobState.DONE:
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    @property
    def downloadable(self) -> bool:
        return self.state == JobState.DONE and bool(self.result_file) and self.kind != JobKind.LEDGER_DRY_RUN

    @property
    def report_url(self) -> str:
        """Where a finished job's result is read on a page instead of downloaded (a ledger's 试运行)."""
        if self.state == JobState.DONE and self.kind == JobKind.LEDGER_DRY_RUN:
            return reverse("ledger:job_report", args=[self.token])
        return ""
