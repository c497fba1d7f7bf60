"""The portal's deploy checks."""

from portal.checks import check_client_ip_behind_proxy


def test_password_login_behind_a_proxy_needs_the_client_address_header(settings):
    settings.PASSWORD_LOGIN_ENABLED = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.CLIENT_IP_HEADER = ""
    assert [w.id for w in check_client_ip_behind_proxy(None)] == ["portal.W001"]
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    assert check_client_ip_behind_proxy(None) == []
    settings.CLIENT_IP_HEADER, settings.PASSWORD_LOGIN_ENABLED = "", False  # OIDC only: nothing to lock out
    assert check_client_ip_behind_proxy(None) == []
