"""Demo points: the default rules, last quarter computed and published, this quarter computed.
Run again, it leaves the published quarter as it is and recomputes this one."""

from django.utils import timezone

from .models import Snapshot
from .services import quarter_of, rules_install_defaults, snapshot_compute, snapshot_publish


def seed(out) -> None:
    rules_install_defaults()
    year, quarter = quarter_of(timezone.localdate())
    prev = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    last = Snapshot.objects.filter(year=prev[0], quarter=prev[1]).first()
    if last is None or not last.is_published:
        last = snapshot_publish(snapshot=snapshot_compute(year=prev[0], quarter=prev[1]), actor=None)
    snapshot_compute(year=year, quarter=quarter)
    out.write(f"履职积分: {last} 已发布({last.deputy_count} 名代表),本季度已计算(未发布)")
