"""The list pages' query counts, the public page (no login, opaque token, nothing personal, rate-limited),
the home panel and the navigation entry."""

import datetime
import secrets

import pytest
from django.urls import reverse
from django.utils import timezone

from projects import services
from projects.choices import RoundState

from .helpers import closed_round, dongshan, make_round, project_of

pytestmark = pytest.mark.django_db


def _more_rounds(cast, n):
    for year in range(2020, 2020 + n):
        make_round(cast, RoundState.COLLECTING, year=year, electorate=dongshan(cast))


def test_it_lists_rounds_in_a_fixed_number_of_queries(cast, login, django_assert_max_num_queries):
    closed_round(cast)
    client = login(cast.staff)
    client.get(reverse("projects:list"))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("projects:list"))
    _more_rounds(cast, 4)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("projects:list"))
    assert response.content.decode().count('data-testid="round-row"') == 5


def test_it_lists_projects_in_a_fixed_number_of_queries(cast, login, django_assert_max_num_queries):
    closed_round(cast)
    client = login(cast.zhujian)
    client.get(reverse("projects:project_list"))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("projects:project_list"))
    other = make_round(cast, year=2025)
    a, b, c = other.candidates.order_by("sort")
    services.ballot_cast(round=other, actor=cast.deputy, choices={a.pk: "yes", b.pk: "yes", c.pk: "yes"})
    services.ballot_cast(round=other, actor=cast.group_leader, choices={a.pk: "yes", b.pk: "yes", c.pk: "no"})
    services.round_close(round=other, actor=cast.dongshan_staff)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("projects:project_list"))
    assert response.content.decode().count('data-testid="project-row"') == 3  # 1 + 2 places


def test_it_flags_a_project_overdue_after_its_planned_completion(cast, login):
    project_of(cast)  # planned to complete on 2026-10-31; the fixed clock says 2026-11-26
    html = login(cast.staff).get(reverse("projects:project_list")).content.decode()
    assert 'data-testid="overdue"' in html
    services.project_complete(project=project_of(cast), actor=cast.zhujian, completed_on=datetime.date(2026, 11, 25))
    html = login(cast.staff).get(reverse("projects:project_list")).content.decode()
    assert 'data-testid="overdue"' not in html  # completed: no longer overdue


def test_the_public_page_shows_results_and_progress_without_a_login_or_a_name(cast, client, settings):
    settings.PUBLIC_RATE_LIMIT = 1000
    rnd = closed_round(cast)
    p = project_of(cast)
    services.project_report(project=p, actor=cast.zhujian, percent=60, text="管网改造过半",
                            reported_on=datetime.date(2026, 11, 20))
    response = client.get(reverse("projects:public", args=[rnd.public_token]), REMOTE_ADDR=_ip())
    html = response.content.decode()
    assert response.status_code == 200 and "老旧小区改造" in html and "进度 60%" in html
    assert 'data-testid="public-result"' in html and "赞成 2" in html
    for personal in ("刘芳", "张伟", "周敏", "孙磊", "13805612345", "name=\"password\""):
        assert personal not in html
    assert client.get(reverse("projects:public", args=[secrets.token_urlsafe(18)]), REMOTE_ADDR=_ip()).status_code == 404
    assert client.get(f"/projects/public/{rnd.pk}/", REMOTE_ADDR=_ip()).status_code == 404


def test_the_public_page_hides_the_result_of_an_open_vote(cast, client):
    from .helpers import voting_round

    rnd = voting_round(cast)
    services.ballot_cast(round=rnd, actor=cast.deputy, choices={c.pk: "yes" for c in rnd.candidates.all()})
    html = client.get(reverse("projects:public", args=[rnd.public_token]), REMOTE_ADDR=_ip()).content.decode()
    assert "老旧小区改造" in html and 'data-testid="public-result"' not in html and "赞成 1" not in html


def test_the_public_page_is_rate_limited(cast, client, settings):
    settings.PUBLIC_RATE_LIMIT = 2
    rnd = closed_round(cast)
    ip = _ip()
    url = reverse("projects:public", args=[rnd.public_token])
    assert [client.get(url, REMOTE_ADDR=ip).status_code for _ in range(3)] == [200, 200, 429]
    assert client.get(url, REMOTE_ADDR=_ip()).status_code == 200


def _ip():
    return f"10.14.{secrets.randbelow(250)}.{secrets.randbelow(250)}"


def test_the_home_panel_and_the_nav_show_projects_to_staff_and_leaders(cast, login):
    closed_round(cast)
    html = login(cast.leader).get(reverse("home")).content.decode()
    assert 'data-testid="projects-panel"' in html and 'data-nav="projects"' in html
    assert 'data-testid="panel-projects">1(1 / 0)' in html
    html = login(cast.zhujian).get(reverse("home")).content.decode()
    assert 'data-testid="projects-panel"' not in html and 'data-nav="projects"' in html
    assert 'data-nav="project_rounds"' not in html


def test_the_panel_links_to_exactly_its_years_projects(cast, login):
    import re

    from projects.models import VoteRound

    rnd = closed_round(cast)
    client = login(cast.leader)
    html = client.get(reverse("home")).content.decode()
    href = re.search(r'href="([^"]+)"><span>民生实事项目', html).group(1).replace("&amp;", "&")
    year = timezone.localdate().year
    assert href.endswith(f"?year={year}")
    assert len(client.get(href).context["projects"]) == 1
    VoteRound.objects.filter(pk=rnd.pk).update(year=year - 1)
    assert len(client.get(href).context["projects"]) == 0  # last year's project is not this year's
    assert len(client.get(reverse("projects:project_list")).context["projects"]) == 1


def test_the_project_page_links_to_its_public_page_for_every_reader(cast, login, client):
    """The responsible unit cannot open the round's page (403), so the project page itself links to the
    public page (walk finding)."""
    import re

    from .helpers import project_of

    project = project_of(cast)
    html = login(cast.zhujian).get(reverse("projects:project_detail", args=[project.pk])).content.decode()
    href = re.search(r'href="([^"]+)" data-testid="project-public-link"', html).group(1)
    client.logout()
    page = client.get(href, REMOTE_ADDR=_ip())
    assert page.status_code == 200 and project.candidate.name in page.content.decode()
