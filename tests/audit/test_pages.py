"""/audit/ (admins), the 显示 endpoint and 个人信息清单: access, behaviour, query counts."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audit.choices import EventKind, EventResult
from audit.models import SecurityEvent
from audit.services import security_event_record
from tests.access import ViewAccessCases

pytestmark = pytest.mark.django_db


def deputy_of(user):
    return user.deputy


class TestAuditListAccess(ViewAccessCases):
    allowed = ("admin",)
    forbidden = ("staff", "dongshan_staff", "leader", "renwei_deputy")

    def url(self, cast):
        return reverse("audit:list")


class TestAuditExportAccess(ViewAccessCases):
    allowed = ("admin",)
    forbidden = ("staff", "leader")

    def url(self, cast):
        return reverse("audit:export")


class TestRevealAccess(ViewAccessCases):
    method = "post"
    allowed = ("staff", "admin")
    out_of_scope = ("dongshan_staff",)  # a deputy of 任圩街道 is outside 东山街道's scope
    forbidden = ("leader",)

    def url(self, cast):
        return reverse("privacy:reveal", args=["deputies.deputy.mobile", deputy_of(cast.renwei_deputy).pk])


class TestPrivacyAccess(ViewAccessCases):
    allowed = ("staff", "admin")
    forbidden = ("dongshan_staff", "leader", "renwei_deputy")

    def url(self, cast):
        return reverse("privacy:inventory")


def test_the_list_filters_by_kind_user_ip_result_and_date(cast, login):
    security_event_record(kind=EventKind.LOGIN_FAILED, username="mallory", ip="10.6.6.6", result=EventResult.REFUSED)
    security_event_record(kind=EventKind.LOGIN, username="alice", ip="10.1.1.1")
    client = login(cast.admin)
    rows = client.get(reverse("audit:list"), {"kind": "login_failed", "ip": "10.6.6.6", "result": "refused",
                                              "user": "mall", "start": "2026-11-26", "end": "2026-11-26"})
    assert [e.username for e in rows.context["page_obj"]] == ["mallory"]
    none = client.get(reverse("audit:list"), {"start": "2026-11-27"}).context["page_obj"]
    assert not list(none)
    bad = client.get(reverse("audit:list"), {"ip": "not-an-ip", "user": "alice"})
    assert bad.status_code == 200 and [e.username for e in bad.context["page_obj"]] == ["alice"]


def test_the_list_query_count_stays_constant_as_rows_grow(cast, login, django_assert_max_num_queries):
    client = login(cast.admin)
    client.get(reverse("audit:list"))
    for n in range(60):
        security_event_record(kind=EventKind.EXPORT, username=f"u{n}", obj=cast.staff)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("audit:list"), {"kind": "login"})
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("audit:list"))
    assert len(response.context["page_obj"]) == 50
    assert len(many) == len(few)


def test_the_export_is_an_xlsx_of_the_filtered_events_and_is_itself_logged(cast, login):
    security_event_record(kind=EventKind.LOGIN_FAILED, username="=HYPERLINK(1)", result=EventResult.REFUSED)
    response = login(cast.admin).get(reverse("audit:export"), {"kind": "login_failed"})
    ws = load_workbook(io.BytesIO(response.content)).active
    values = [row for row in ws.iter_rows(values_only=True)]
    assert values[0][1] == "用户名" and values[1][1] == "=HYPERLINK(1)" and len(values) == 2
    assert ws.cell(2, 2).data_type == "s"
    assert SecurityEvent.objects.filter(kind=EventKind.EXPORT, user=cast.admin).exists()


def test_the_detail_page_masks_and_the_reveal_button_shows_the_full_number_and_logs_it(cast, login):
    zhao = deputy_of(cast.renwei_deputy)
    client = login(cast.staff)
    page = client.get(reverse("deputies:detail", args=[zhao.pk])).content.decode()
    assert "13805612345" not in page and "138****2345" in page
    url = reverse("privacy:reveal", args=["deputies.deputy.mobile", zhao.pk])
    assert f'hx-post="{url}"' in page
    response = client.post(url, REMOTE_ADDR="10.2.2.2")
    assert "13805612345" in response.content.decode()
    event = SecurityEvent.objects.get(kind=EventKind.PERSONAL_DATA_VIEW)
    assert (event.user, event.ip, event.object_id, event.detail["field"]) == (cast.staff, "10.2.2.2", str(zhao.pk),
                                                                              "deputies.deputy.mobile")


def test_a_refused_reveal_is_logged_and_shows_nothing(cast, login):
    zhao = deputy_of(cast.renwei_deputy)
    response = login(cast.leader).post(reverse("privacy:reveal", args=["deputies.deputy.id_number", zhao.pk]))
    assert response.status_code == 403
    assert SecurityEvent.objects.get(kind=EventKind.PERSONAL_DATA_VIEW).result == EventResult.REFUSED


def test_only_declared_revealable_fields_can_be_revealed(cast, login):
    zhao = deputy_of(cast.renwei_deputy)
    for key in ("deputies.deputy.name", "accounts.user.password", "nope"):
        assert login(cast.staff).post(reverse("privacy:reveal", args=[key, zhao.pk])).status_code == 404


def test_the_inventory_is_generated_from_the_registry(cast, login):
    from audit.privacy import REGISTRY

    page = login(cast.staff).get(reverse("privacy:inventory"))
    assert page.content.decode().count('data-testid="privacy-row"') == len(REGISTRY)
    assert "身份证号" in page.content.decode() and "群众来信" in page.content.decode()  # residents.Report exists now (issue 13)


def _roster_cells(response):
    ws = load_workbook(io.BytesIO(response.content)).active
    return [c for row in ws.iter_rows(values_only=True) for c in row if c]


def test_the_roster_export_is_masked_unless_a_permitted_exporter_ticks_full(cast, login):
    zhao = deputy_of(cast.renwei_deputy)
    zhao.id_number = "340603198005010029"
    zhao.save()
    staff = login(cast.staff)
    page = staff.get(reverse("deputies:roster")).content.decode()
    assert "导出完整证件号码和电话" in page
    masked = _roster_cells(staff.get(reverse("deputies:export")))
    assert "138****2345" in masked and "13805612345" not in masked and "340603198005010029" not in masked
    full = _roster_cells(staff.get(reverse("deputies:export"), {"full": "1"}))
    assert "13805612345" in full and "340603198005010029" in full
    flags = list(SecurityEvent.objects.filter(kind=EventKind.EXPORT, user=cast.staff)
                 .order_by("pk").values_list("detail__full_personal_data", flat=True))
    assert flags == [False, True]
    # Area staff may export their roster but never in full, whatever they send.
    area = login(cast.dongshan_staff)
    assert "导出完整证件号码和电话" not in area.get(reverse("deputies:roster")).content.decode()
    assert "13805612345" not in _roster_cells(area.get(reverse("deputies:export"), {"full": "1"}))
