"""Fixtures of the Open311 tests: a station in 东山街道 with the group leader on duty, a partner and its
api_key, the residents' fake SMS gateway, and clean rate-limit counters."""

import pytest

from deputies.models import DeputyHome
from open311 import services
from residents.models import ResidentCode
from tests.residents.conftest import _clean_limits, sms  # noqa: F401 - the residents' fixtures, shared


@pytest.fixture
def station(cast):
    home = DeputyHome.objects.create(name="周庄社区代表联络站", kind="station", area=cast.deputy.deputy.area)
    code = ResidentCode.objects.create(kind="station", home=home, area=home.area)
    code.on_duty.add(cast.group_leader.deputy)
    return code


@pytest.fixture
def partner(db):
    return services.partner_create(name="12345 热线")


def form(key, station=None, **extra):
    data = {"api_key": key, "service_code": "urban", "description": "寇湾社区主路路灯坏了一周,夜里很黑。",
            "address_string": "寇湾社区主路", "first_name": "大妈", "last_name": "王", "phone": "13912345678"}
    if station is not None:
        data["attribute[station]"] = station.token
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def post(client, data, *, ip="10.0.0.1", as_json=False):
    if as_json:
        return client.post("/open311/v2/requests.json", data, content_type="application/json", REMOTE_ADDR=ip)
    return client.post("/open311/v2/requests.json", data, REMOTE_ADDR=ip)
