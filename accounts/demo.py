"""Demo accounts, one per role (never in production: seed_demo refuses there)."""

from areas.models import Area
from units.models import HandlingUnit

from .choices import Role
from .models import User
from .services import roles_install, user_create

DEMO_PASSWORD = "xiangshan2026"

# username, full name, roles, area name, unit name, what it shows
ACCOUNTS = [
    ("admin", "系统管理员", [Role.ADMIN], None, None),
    ("staff", "李明(区人大人代工委)", [Role.DISTRICT_STAFF], None, None),
    ("dongshan", "周敏(东山街道人大工委)", [Role.AREA_STAFF], "东山街道", None),
    ("renwei", "陈刚(任圩街道人大工委)", [Role.AREA_STAFF], "任圩街道", None),
    ("zhujian", "孙磊(区住建局)", [Role.UNIT], None, "相山区住房和城乡建设局"),
    ("huanbao", "吴芳(区生态环境分局)", [Role.UNIT], None, "淮北市相山区生态环境分局"),
    ("deputy", "", [Role.DEPUTY], None, None),
    ("zuzhang", "", [Role.DEPUTY, Role.GROUP_LEADER], None, None),
    ("leader", "王主任(常委会领导)", [Role.LEADER], None, None),
]


def seed(out) -> None:
    roles_install()
    for username, full_name, roles, area_name, unit_name in ACCOUNTS:
        if User.objects.filter(username=username).exists():
            continue
        user_create(
            username=username, password=DEMO_PASSWORD, full_name=full_name, roles=roles,
            area=Area.objects.get(name=area_name) if area_name else None,
            unit=HandlingUnit.objects.get(name=unit_name) if unit_name else None,
            is_superuser=Role.ADMIN in roles,
        )
    link_deputy_accounts()


def link_deputy_accounts() -> None:
    """The demo deputy and group leader are real people in the roster."""

    for username in ("deputy", "zuzhang"):
        user = User.objects.get(username=username)
        if getattr(user, "deputy", None):
            continue
        deputy = _demo_deputy(username)
        if deputy is None:
            continue
        deputy.user = user
        deputy.save(update_fields=["user"])
        user.full_name = f"{deputy.name}(代表)"
        user.save(update_fields=["full_name"])


def _demo_deputy(username):
    from deputies.models import Deputy
    from groups.choices import MemberRole
    from groups.models import GroupMembership

    if username == "zuzhang":
        # A district-group leader who leads exactly one group, so 我的小组 opens that group.
        from django.db.models import Count, Q

        membership = (GroupMembership.objects.filter(role=MemberRole.LEADER, deputy__user__isnull=True)
                      .annotate(led=Count("deputy__memberships", filter=Q(deputy__memberships__role=MemberRole.LEADER)))
                      .filter(led=1).select_related("deputy")
                      .order_by("-group__kind", "group__sort", "group_id").first())
        return membership.deputy if membership else None
    return (Deputy.objects.filter(user__isnull=True, mandates__area__name="东山街道")
            .exclude(memberships__role=MemberRole.LEADER).order_by("id").first())


def summary() -> list[tuple[str, str, str]]:
    return [(u, ",".join(str(Role(r).label) for r in roles), DEMO_PASSWORD)
            for u, _n, roles, _a, _u in ACCOUNTS]
