"""The roster import service and the import_roster command, against the database."""

import pytest
from django.core.management import CommandError, call_command

from deputies import importing
from deputies.choices import Level
from deputies.models import CongressTerm, Deputy, Mandate
from deputies.services import roster_import
from groups.choices import MemberRole
from groups.models import DeputyGroup, GroupMembership

from .workbooks import LI, WANG, bad_rows, clean_rows, messy_rows, xlsx

pytestmark = pytest.mark.django_db


def rows_of(data, name="roster.xlsx"):
    return importing.parse_rows(importing.read_table(data, name))


def run(data, actor, dry_run=False):
    return roster_import(rows=rows_of(data), actor=actor, dry_run=dry_run)


def snapshot():
    return (Deputy.objects.count(), Mandate.objects.count(), GroupMembership.objects.count(),
            DeputyGroup.objects.count(), CongressTerm.objects.count(), Deputy.history.count())


def test_it_makes_one_person_with_two_mandates_from_two_rows(cast):
    report = run(xlsx(clean_rows()), cast.staff)
    assert report.applied and not report.refused
    wang = Deputy.objects.get(id_number=WANG)
    assert sorted(m.term.level for m in wang.mandates.all()) == [Level.CITY, Level.DISTRICT]
    assert Deputy.objects.filter(name="王建国").count() == 1
    roles = {m.group.name: m.role for m in wang.memberships.select_related("group")}
    assert roles == {"东山街道第二代表小组": MemberRole.LEADER, "市人大第十三代表小组": MemberRole.MEMBER}
    assert DeputyGroup.objects.get(name="市人大第十三代表小组").kind == "city"
    assert CongressTerm.objects.filter(level=Level.CITY, number=17).exists()
    li = Deputy.objects.get(id_number=LI)
    assert li.ethnicity == "回族" and li.mandates.get().area.name == "任圩街道"
    assert li.memberships.get().role == MemberRole.DEPUTY_LEADER
    assert li.name_search.startswith(" lifang ")


def test_it_changes_nothing_when_the_same_file_comes_again(cast):
    run(xlsx(clean_rows()), cast.staff)
    before = snapshot()
    report = run(xlsx(clean_rows()), cast.staff)
    assert not report.applied and not report.has_changes
    assert report.counts == {"create": 0, "update": 0, "unchanged": 3, "refused": 0}
    assert snapshot() == before


def test_it_matches_people_without_id_numbers_by_name_birth_month_and_mandate(cast):
    run(xlsx(messy_rows()), cast.staff)
    before = snapshot()
    report = run(xlsx(messy_rows()), cast.staff)
    assert report.counts["unchanged"] == 3 and snapshot() == before


def test_it_updates_only_what_changed_and_keeps_who_changed_it(cast):
    run(xlsx(clean_rows()), cast.staff)
    rows = clean_rows()
    rows[2][8] = "13905619999"  # 李芳's new mobile
    rows[2][15] = "组长"
    report = run(xlsx(rows), cast.staff)
    assert report.counts == {"create": 0, "update": 1, "unchanged": 2, "refused": 0}
    li = Deputy.objects.get(id_number=LI)
    assert li.mobile == "13905619999" and li.memberships.get().role == MemberRole.LEADER
    last = li.history.latest("history_date")
    assert last.history_user == cast.staff and last.history_change_reason == "名册导入"
    assert last.diff_against(last.prev_record).changed_fields == ["mobile"]


def test_it_refuses_everything_when_one_row_is_refused(cast):
    before = snapshot()
    report = run(xlsx(clean_rows() + bad_rows()), cast.staff)
    assert not report.applied and snapshot() == before
    refused = {r.name or "(无)": r.errors[0].reason for r in report.refused}
    assert set(refused) == {"(无)", "坏月份", "省代表", "短号码", "无区划", "错校验", "错生日"}
    assert refused["无区划"] == "系统中没有这个区划"
    assert report.count("create") == 3  # the preview still says what the good rows would do


def test_a_dry_run_writes_nothing(cast):
    before = snapshot()
    report = run(xlsx(clean_rows()), cast.staff, dry_run=True)
    assert report.count("create") == 3 and not report.applied
    assert snapshot() == before


def test_it_keeps_area_staff_to_their_own_area(cast):
    before = snapshot()
    report = run(xlsx(clean_rows()), cast.dongshan_staff)
    assert [r.name for r in report.refused] == ["李芳"]
    assert report.refused[0].errors[0].reason == "不在您管理的区划范围内"
    assert snapshot() == before
    # An existing deputy of another area cannot be changed through a row in one's own area either.
    rows = [["赵强", "男", "汉族", "", "", "", "", "", "13800000000", "", "区", "十二届", "", "东山街道", "", "", ""]]
    report = run(xlsx(rows), cast.dongshan_staff, dry_run=True)
    assert report.refused and "其他区划" in report.refused[0].errors[0].reason


def test_it_refuses_the_same_person_twice_in_one_term(cast):
    rows = clean_rows()
    report = run(xlsx(rows + [rows[0]]), cast.staff, dry_run=True)
    assert report.refused[0].number == 5 and "重复" in report.refused[0].errors[0].reason


def test_the_command_imports_and_exits_non_zero_on_a_refused_row(cast, tmp_path, capsys):
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx(clean_rows()))
    call_command("import_roster", str(good), "--dry-run")
    assert not Deputy.objects.filter(id_number=WANG).exists()
    call_command("import_roster", str(good))
    assert Deputy.objects.filter(id_number=WANG).exists()
    call_command("import_roster", str(good))
    assert "没有需要导入的变化" in capsys.readouterr().out
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx(bad_rows()))
    with pytest.raises(CommandError, match="被拒绝"):
        call_command("import_roster", str(bad))
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a workbook")
    with pytest.raises(CommandError, match="无法识别|无法作为"):
        call_command("import_roster", str(junk))


def test_the_command_exits_non_zero_from_a_shell(cast, tmp_path):
    import subprocess
    import sys

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx(bad_rows()))
    from django.conf import settings

    from tests.subprocess_env import child_env

    result = subprocess.run([sys.executable, "manage.py", "import_roster", str(bad), "--dry-run"], env=child_env(),
                            capture_output=True, text=True, cwd=settings.BASE_DIR)
    assert result.returncode != 0
    assert "拒绝" in result.stdout + result.stderr


def latest_history(model, reason: str) -> dict[int, dict]:
    """The newest history row of each object, as values, without what differs by nature (its id and time)."""
    rows = {}
    for row in model.history.filter(history_change_reason=reason).order_by("history_id").values():
        rows[row["id"]] = {k: v for k, v in row.items() if k not in ("history_id", "history_date", "history_type")}
    return rows


def test_it_writes_the_history_rows_simple_history_would_for_what_it_creates_and_changes(cast):
    from django.db import transaction

    from deputies.services import IMPORT_REASON

    run(xlsx(clean_rows()), cast.staff)
    rows = clean_rows()
    rows[2][8] = "13905619999"  # 李芳: new mobile, new constituency, now 组长
    rows[2][12] = "任圩街道第4选区"
    rows[2][15] = "组长"
    run(xlsx(rows), cast.staff)
    for model in (Deputy, Mandate, GroupMembership, DeputyGroup):
        ours = latest_history(model, IMPORT_REASON)
        assert ours and all(row["history_user_id"] == cast.staff.pk for row in ours.values())
        with transaction.atomic():  # what django-simple-history itself writes for the same objects, rolled back
            model.history.filter(history_change_reason=IMPORT_REASON).delete()
            model.history.bulk_history_create(list(model.objects.filter(pk__in=ours)), default_user=cast.staff,
                                              default_change_reason=IMPORT_REASON)
            reference = latest_history(model, IMPORT_REASON)
            transaction.set_rollback(True)
        assert ours == reference, model
    li = Deputy.objects.get(id_number=LI)
    assert [h.history_type for h in li.history.order_by("history_id")] == ["+", "~"]
    changed = li.mandates.get().history.order_by("history_id").last()
    assert changed.history_type == "~" and changed.diff_against(changed.prev_record).changed_fields == ["constituency"]
    assert li.memberships.get().history.order_by("history_id").last().history_type == "~"


def test_it_updates_rows_exactly_as_djangos_bulk_update_would(cast):
    import datetime

    from django.db import transaction

    from areas.models import Area
    from deputies.services import _bulk_update

    run(xlsx(clean_rows()), cast.staff)
    fields = ["name", "birth_date", "area", "mobile", "party", "updated_at", "note"]
    renwei = Area.objects.get(name="任圩街道")

    def changed():
        deputies = list(Deputy.objects.order_by("pk"))
        for i, deputy in enumerate(deputies):
            deputy.name = f"{deputy.name}'\"{i}"
            deputy.birth_date = None if i % 2 else datetime.date(1970, 1, i + 1)
            deputy.area = None if i % 2 else renwei
            deputy.mobile, deputy.party, deputy.note = "", "masses", "第一行\n第二行"
            deputy.updated_at = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
        return deputies

    with transaction.atomic():
        Deputy.objects.bulk_update(changed(), fields)
        expected = list(Deputy.objects.order_by("pk").values())
        transaction.set_rollback(True)
    _bulk_update(Deputy, changed(), fields)
    assert list(Deputy.objects.order_by("pk").values()) == expected


def _leader_row(name, id_number, group, role="组长", area="东山街道"):
    return [name, "", "", "", "", "", "", "", "", id_number, "区", "十二届", "", area, group, role, ""]


def test_it_refuses_a_second_leader_for_one_group_in_the_file(cast):
    from .workbooks import valid_id

    rows = clean_rows()
    rows.append(_leader_row("孙强", valid_id("19820101", "011"), "东山街道第二代表小组"))  # row 5; 王建国 is 组长 on row 2
    before = snapshot()
    report = run(xlsx(rows), cast.staff)
    assert not report.applied and snapshot() == before
    (refused,) = report.refused
    (error,) = refused.errors
    assert refused.number == 5 and error.column == "小组职务" and error.value == "组长"
    assert "第 2 行已填写 王建国 为代表小组“东山街道第二代表小组”的组长" in error.reason
    assert "只能有一名组长" in error.reason


def test_it_refuses_a_second_leader_besides_the_one_in_the_system(cast):
    # 张伟 (the group_leader persona) is 组长 of 东山街道区人大代表小组.
    rows = [_leader_row("王建国", WANG, "东山街道区人大代表小组")]
    report = run(xlsx(rows), cast.staff)
    (refused,) = report.refused
    (error,) = refused.errors
    assert refused.number == 2 and error.column == "小组职务" and error.value == "组长"
    assert "已有组长 张伟" in error.reason and not Deputy.objects.filter(id_number=WANG).exists()
    # Handing over in the same file is fine: 张伟 becomes 副组长, 王建国 组长.
    rows.append(_leader_row("张伟", "", "东山街道区人大代表小组", role="副组长"))
    report = run(xlsx(rows), cast.staff)
    assert report.applied and not report.refused
    roles = dict(GroupMembership.objects.filter(group__name="东山街道区人大代表小组").values_list("deputy__name", "role"))
    assert roles["王建国"] == MemberRole.LEADER and roles["张伟"] == MemberRole.DEPUTY_LEADER
