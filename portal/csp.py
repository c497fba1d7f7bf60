"""The browser policy beyond django-csp's settings (CONTENT_SECURITY_POLICY in config/settings/base.py).

- Forms may be redirected to the configured identity providers (the logout ends the provider's
  session too), whose origins are known only from the settings at run time: `PortalCSPMiddleware`.
- A document the portal renders as it will be printed (the decision letter's preview) carries its
  styles in a <style> element, the very HTML its PDF is made from: `framed_document_policy` allows
  exactly those styles (by their hash), nothing else, and framing by the portal's own pages.
- `PermissionsPolicyMiddleware` turns off the browser features the portal never uses.
"""

import base64
import hashlib
import re
from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings

from .oidc import providers

STYLE_ELEMENT = re.compile(r"<style(?:\s[^>]*)?>(.*?)</style\s*>", re.DOTALL | re.IGNORECASE)


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def identity_provider_origins() -> list[str]:
    """The origins of the configured identity providers (from their issuers or discovery URLs)."""
    return sorted({found for provider in providers() if (found := origin(provider.discovery_url))})


class PortalCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the identity providers' origins added to form-action."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        origins = identity_provider_origins()
        if origins and not report_only:
            update = dict(parts.update or {})
            update["form-action"] = [*update.get("form-action", []), *origins]
            parts.update = update
        return parts


def style_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def framed_document_policy(html: str) -> str:
    """The Content-Security-Policy of a printable document shown in a frame of the portal's own pages:
    its own <style> elements (by hash) and the site's images and fonts; no script, form or base URL."""
    styles = " ".join(style_hash(text) for text in STYLE_ELEMENT.findall(html)) or "'none'"
    return (f"default-src 'none'; style-src {styles}; img-src 'self' data:; font-src 'self'; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'self'")


class PermissionsPolicyMiddleware:
    """Permissions-Policy: every feature in settings.PERMISSIONS_POLICY is off (`feature=()`)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if self.header and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.header
        return response
