"""Demo points: the default rules, last quarter computed and published, this quarter computed."""

from django.utils import timezone

from .services import quarter_of, rules_install_defaults, snapshot_compute, snapshot_publish


def seed(out) -> None:
    rules_install_defaults()
    year, quarter = quarter_of(timezone.localdate())
    prev = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    last = snapshot_compute(year=prev[0], quarter=prev[1])
    if not last.is_published:
        snapshot_publish(snapshot=last, actor=None)
    snapshot_compute(year=year, quarter=quarter)
    out.write(f"履职积分: {last} 已发布({last.deputy_count} 名代表),本季度已计算(未发布)")
