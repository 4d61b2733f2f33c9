"""Security headers on every page (issue 17, headers): no framing by other sites, no MIME sniffing,
the referrer kept inside the site."""

import pytest
from django.urls import reverse


def assert_secure_headers(response):
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


@pytest.mark.django_db
def test_it_sends_the_security_headers_on_the_login_page(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert_secure_headers(response)


@pytest.mark.django_db
def test_it_sends_the_security_headers_on_signed_in_pages_and_errors(login, cast):
    client = login(cast.staff)
    for url, status in ((reverse("home"), 200), (reverse("petitions:create"), 200), ("/no-such-page/", 404)):
        response = client.get(url)
        assert response.status_code == status, url
        assert_secure_headers(response)
