"""A reusable set of access tests for every view (STYLE.md, like NetBox's ViewTestCases).

Subclass `ViewAccessCases` in a test module and set:

    url(self, cast) -> str       the URL under test, built from the personas' data
    method = "get" | "post"      how the view is used
    data(self, cast) -> dict     form data for POST views (optional)
    allowed = ("staff", ...)     personas for whom it works (200, or a redirect after a POST)
    out_of_scope = (...)         personas whose object is outside their scope: 404
    forbidden = (...)            personas whose role may not use the view: 403

and it gains: anonymous → login page; out of scope → 404; wrong role → 403; GET on a POST
endpoint → 405; in scope → works. Add behaviour tests beside it.
"""

from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


class ViewAccessCases:
    method = "get"
    allowed: tuple = ()
    out_of_scope: tuple = ()
    forbidden: tuple = ()
    ok_statuses = (200, 302)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # The 405 case belongs to POST endpoints only: a GET page does not collect it at all.
        if cls.method != "post":
            cls.test_it_refuses_get_on_a_post_endpoint = None

    def url(self, cast) -> str:  # pragma: no cover - subclasses define it
        raise NotImplementedError

    def data(self, cast) -> dict:
        return {}

    def _call(self, client, cast):
        url = self.url(cast)
        if self.method == "post":
            return client.post(url, self.data(cast))
        return client.get(url)

    def test_it_sends_anonymous_users_to_login(self, client, cast):
        response = self._call(client, cast)
        assert response.status_code == 302
        assert urlparse(response["Location"]).path == reverse(settings.LOGIN_URL)

    def test_it_hides_objects_out_of_scope(self, login, cast):
        for name in self.out_of_scope:
            response = self._call(login(getattr(cast, name)), cast)
            assert response.status_code == 404, f"{name} should get 404, got {response.status_code}"

    def test_it_forbids_roles_that_may_not_use_it(self, login, cast):
        for name in self.forbidden:
            response = self._call(login(getattr(cast, name)), cast)
            assert response.status_code == 403, f"{name} should get 403, got {response.status_code}"

    def test_it_refuses_get_on_a_post_endpoint(self, login, cast):
        response = login(getattr(cast, self.allowed[0])).get(self.url(cast))
        assert response.status_code == 405

    def test_it_works_in_scope(self, login, cast):
        for name in self.allowed:
            response = self._call(login(getattr(cast, name)), cast)
            assert response.status_code in self.ok_statuses, f"{name} got {response.status_code}"
