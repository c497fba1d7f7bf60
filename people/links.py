"""The invitation link's token. Each sending draws a random `link_nonce` (stored); the token is an
HMAC of it under SECRET_KEY, so the database alone never yields a working link, while the portal
can always write the link again (the e-mail task and its catch-up take only ids; no token passes
through the broker). Only the token's SHA-256 is stored, to find the invitation a link names."""

import hashlib
import secrets

from django.conf import settings
from django.utils.crypto import salted_hmac

SALT = "people.invitation.link"


def new_nonce() -> str:
    return secrets.token_hex(16)


def link_token(nonce: str) -> str:
    return salted_hmac(SALT, nonce, secret=settings.SECRET_KEY, algorithm="sha256").hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
