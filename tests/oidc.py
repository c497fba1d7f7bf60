"""A real OpenID Connect provider on loopback (oidc-provider-mock, run as its own process), and a
person at its pages, for the login tests. The portal talks to it over HTTP exactly as it talks to
ID-porten: discovery, the authorization redirect, the token request, the signing keys.

- `OidcProvider(token_max_age=…)` starts `python -m oidc_provider_mock` on a free port and waits
  until its discovery document answers; `stop()` ends it (the fixtures in tests/conftest.py do).
- `Person(provider)` plays the browser at the provider: `log_in(authorize_url, subject)` fills in
  the provider's authorization form and returns where the provider sends the browser back to
  (the portal's callback with `code` and `state`); `deny(authorize_url)` presses "Deny".
- `oidc_login(client, provider, subject)` walks the whole round trip with Django's test client.
"""

import re
import socket
import subprocess
import sys
import time
from urllib.parse import parse_qs, urlsplit

import httpx
from django.urls import reverse

TEST_CLIENT_SECRET = "test-client-secret-of-at-least-32-bytes"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OidcProvider:
    def __init__(self, *, token_max_age: int | None = None):
        self.port = _free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(self.port)]
        if token_max_age is not None:
            command += ["--token-max-age", str(token_max_age)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self._wait_until_up()

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def _wait_until_up(self, seconds: float = 20):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"oidc-provider-mock exited: {self.process.stderr.read().decode()[-2000:]}")
            try:
                if httpx.get(self.discovery_url, timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"oidc-provider-mock did not answer at {self.discovery_url} within {seconds} s")

    def settings_for(self, *, client_id: str = "tilskuddsportalen", label: str = "") -> dict:
        """One entry of settings.OIDC_PROVIDERS pointing at this provider."""
        return {"DISCOVERY_URL": self.issuer, "CLIENT_ID": client_id, "CLIENT_SECRET": TEST_CLIENT_SECRET,
                "SCOPES": "openid profile", "LABEL": label}

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stderr:
            self.process.stderr.close()


class Person:
    """Someone at the provider's pages, with the provider's own cookies (none are needed today)."""

    def __init__(self):
        self.http = httpx.Client(timeout=10, follow_redirects=False)

    def log_in(self, authorize_url: str, subject: str) -> str:
        form = self.http.get(authorize_url)
        assert form.status_code == 200, form.text[:500]
        assert re.search(r'<input[^>]+name="sub"', form.text), "the provider's form has no subject field"
        answer = self.http.post(authorize_url, data={"sub": subject})
        assert answer.status_code == 302, answer.text[:500]
        return answer.headers["location"]

    def deny(self, authorize_url: str) -> str:
        answer = self.http.post(authorize_url, data={"action": "deny"})
        assert answer.status_code == 302, answer.text[:500]
        return answer.headers["location"]


def local_part(url: str) -> str:
    """The path and query of an absolute URL (what Django's test client can get)."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def oidc_start(client, provider_key: str, next_url: str | None = None) -> str:
    """Press the provider's login button: the URL of the provider's authorization page."""
    response = client.get(reverse(f"oidc_login_{provider_key}"), {"next": next_url} if next_url else {})
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def oidc_login(client, provider_key: str, subject: str, next_url: str | None = None):
    """The whole code flow: the portal's redirect, the provider's form, the callback (followed)."""
    callback = Person().log_in(oidc_start(client, provider_key, next_url), subject)
    return client.get(local_part(callback), follow=True)
