"""The rush's stand-in for ID-porten and the state's provider: oidc-provider-mock, as `make
oidc-provider` and the tests run it, with one change that only concerns its own CPU.

The mock hands its signing key to authlib as a JWK dictionary for every token it issues, so authlib
imports the RSA private key again each time; cryptography checks a private key when it is loaded,
about 36 ms of CPU, so each login cost the machine ~44 ms in the provider (16 CPU-s over a rush,
taken from the portal on the same two cores, where the real ID-porten runs elsewhere). Here the key
is imported once (a joserfc key, which authlib uses as it is): the same key, the same tokens.

    python -m benchmarks.oidc_provider --host 127.0.0.1 --port 9400   (the mock's own options)
"""

from joserfc.jwk import import_key
from oidc_provider_mock import _app
from oidc_provider_mock.__main__ import run

_imported: dict[int, object] = {}  # id of the mock's key → the same key, imported once


def _patch() -> None:
    """Every grant class of the mock that defines `get_jwt_config` (the ID token's signer)."""
    for cls in vars(_app).values():
        if isinstance(cls, type) and "get_jwt_config" in vars(cls):
            original = cls.get_jwt_config

            def get_jwt_config(self, *args, _original=original, **kwargs):
                config = _original(self, *args, **kwargs)
                key = _app.storage.jwk
                if id(key) not in _imported:
                    _imported[id(key)] = import_key(key.as_dict(is_private=True))
                config["key"] = _imported[id(key)]
                return config

            cls.get_jwt_config = get_jwt_config


if __name__ == "__main__":
    _patch()
    run()
