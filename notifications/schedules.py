"""The beat schedule, written down in one place (STYLE.md). Celery beat reads it from the database
(django-celery-beat's DatabaseScheduler), so admins edit times in the admin (周期任务); this module
only installs the defaults, from a data migration on `migrate` and from
`python manage.py install_schedules`. An entry that already exists is left as the admin set it.
Times are Asia/Shanghai."""

from __future__ import annotations

TZ = "Asia/Shanghai"

# (name shown in the admin, task, schedule, description)
DEFAULT_SCHEDULES = [
    # Every minute: deliver what is still pending — rows written while the broker was down, retries
    # whose backoff has passed, rows a killed worker had claimed. The safety net of the outbox.
    ("通知:补发待发送通知", "notifications.sweep_deliveries", {"interval": (1, "minutes")},
     "每分钟补发未送达的通知(消息队列中断、失败重试、任务中断)。"),
    # Every minute: a crontab job below whose time passed while the broker was down (beat could not send
    # it) runs now, once for its latest period (notifications/periodic.py; manage.py catch_up_schedules).
    ("通知:补运行错过的定时任务", "notifications.catch_up_scheduled", {"interval": (1, "minutes")},
     "每分钟检查:消息队列中断期间错过的定时任务,在恢复后按本期补运行一次。"),
    # The 20th of every month at 09:00: deputies without an item for the month, and their group leaders.
    # Change the day here in the admin; the default follows DOMAIN.md ("default the 20th").
    ("通知:月度报送提醒", "notifications.send_monthly_reminders",
     {"crontab": {"minute": "0", "hour": "9", "day_of_month": "20"}},
     "每月20日9:00提醒当月尚未报送社情民意的在任代表,并向小组组长发送未报送名单。"),
    # Every morning at 08:30; the job itself skips holidays and weekends and runs on adjusted working
    # Saturdays (调休), with the same working-day calendar as due dates (cron cannot know holidays).
    ("通知:逾期预警", "notifications.send_overdue_alerts", {"crontab": {"minute": "30", "hour": "8"}},
     "每个工作日8:30向承办单位发送即将逾期和已逾期事项,向工作人员发送逾期汇总,超期过久的升级至领导。"),
    # Every night at 01:15: replies past their evaluation window are closed as deemed 满意.
    ("通知:逾期未评价视为满意", "notifications.close_unevaluated", {"crontab": {"minute": "15", "hour": "1"}},
     "每天1:15将评价期已过的答复视为满意并办结。"),
    # Every night at 01:20: suggestions (代表建议) past their evaluation window are recorded 未表态 and
    # concluded — NOT deemed satisfied, unlike opinion items (issue 11).
    ("建议:逾期未评价记为未表态", "suggestions.expire_evaluations", {"crontab": {"minute": "20", "hour": "1"}},
     "每天1:20将评价期已过的代表建议记为“未表态”并办结(不视为满意)。"),
    # Every morning at 08:35 (the job skips non-working days, like the items' alerts): units their
    # overdue and due-soon suggestions, staff the overdue count, leaders those late for too long.
    ("建议:逾期预警", "suggestions.send_alerts", {"crontab": {"minute": "35", "hour": "8"}},
     "每个工作日8:35向承办单位发送逾期和即将逾期的代表建议,向工作人员发送逾期数,超期过久的升级至领导。"),
    # Every morning at 08:40 (the job skips non-working days, like the items' alerts): each responsible unit
    # its livelihood-project milestones overdue and due soon (projects/, issue 12).
    ("民生实事:项目节点预警", "projects.send_milestone_alerts", {"crontab": {"minute": "40", "hour": "8"}},
     "每个工作日8:40向责任单位发送民生实事项目已逾期和即将到期的节点。"),
    # Monday 08:00: last week's figures and the five lowest units for the leaders; each unit its own.
    ("通知:每周简报", "notifications.send_weekly_digest",
     {"crontab": {"minute": "0", "hour": "8", "day_of_week": "1"}},
     "每周一8:00向领导发送上周数据和办结率最低的五个单位,向各承办单位发送本单位数据。"),
    # Every night at 02:30, after close_unevaluated has written its rows: the dashboard rollups against a
    # recount and the installed triggers against dashboards/rollup.py (manage.py check_rollups by hand).
    # Admins see the last result on their home page.
    ("统计:汇总表校验", "dashboards.check_rollups", {"crontab": {"minute": "30", "hour": "2"}},
     "每天2:30校验统计看板汇总表与重新计算是否一致、触发器是否为当前版本,结果在管理员工作台显示。"),
    # Every night at 03:10: security events past retention (AUDIT_RETENTION_DAYS, at least 180 days) are
    # removed — only those; the database trigger refuses any other delete (audit/, issue 17).
    ("审计:清理过期安全审计记录", "audit.purge_security_events", {"crontab": {"minute": "10", "hour": "3"}},
     "每天3:10删除超过保存期限的安全审计记录(默认180天),其余记录不可修改或删除。"),
    # Every night at 03:20: residents' names, phones and addresses past RESIDENT_DATA_RETENTION_DAYS are
    # erased (residents/, issue 13); idempotent, manage.py purge_resident_data by hand.
    ("群众来信:删除过期个人信息", "residents.purge_personal_data", {"crontab": {"minute": "20", "hour": "3"}},
     "每天3:20删除办结后超过保存期限(默认3年)的群众姓名、手机号和地址。"),
    # Every night at 03:25: resident reports answered more than RESIDENT_RATING_DAYS (15) days ago and not
    # rated are closed as 未评价, not counted as satisfied (residents/, issue 13); manage.py
    # close_unrated_reports by hand.
    ("群众来信:逾期未评价办结", "residents.close_unrated", {"crontab": {"minute": "25", "hour": "3"}},
     "每天3:25将答复后超过评价期限(默认15天)仍未评价的群众来信按“未评价”办结(不计入满意)。"),
    # Every hour at :05: files of background exports/imports finished more than JOB_KEEP_HOURS ago are
    # deleted (jobs/, manage.py purge_jobs by hand); jobs stuck in the queue are sent again.
    ("后台任务:清理过期结果文件", "jobs.purge_old_jobs", {"crontab": {"minute": "5"}},
     "每小时第5分钟删除完成超过24小时(JOB_KEEP_HOURS)的后台导出/导入结果文件,并重新发送排队过久的任务。"),
    # Every hour at :25: API idempotency keys older than API_IDEMPOTENCY_HOURS are removed (api/, issue 14).
    ("接口:清理过期幂等键", "api.purge_idempotency", {"crontab": {"minute": "25"}},
     "每小时第25分钟删除超过保存期限(API_IDEMPOTENCY_HOURS,默认24小时)的接口幂等键记录。"),
]


def install(apps=None) -> list[str]:
    """Create the default periodic tasks that do not exist yet; return the names created."""
    if apps is None:
        from django.apps import apps as registry

        apps = registry
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    created = []
    for name, task, when, description in DEFAULT_SCHEDULES:
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        fields = {"name": name, "task": task, "description": description, "enabled": True}
        if "interval" in when:
            every, period = when["interval"]
            fields["interval"], _ = IntervalSchedule.objects.get_or_create(every=every, period=period)
        else:
            cron = {"minute": "*", "hour": "*", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*",
                    **when["crontab"]}
            fields["crontab"], _ = CrontabSchedule.objects.get_or_create(timezone=TZ, **cron)
        PeriodicTask.objects.create(**fields)
        created.append(name)
    return created
