"""Who is calling: tokens and GitHub App JWTs, checked as GitHub checks them.

``Authorization: token X`` and ``Bearer X`` both work. A token is looked up in
the world's token table (user tokens added by tests, installation tokens the
stand-in issued). Anything shaped like a JWT is verified as an App's JWT:
RS256 signature against the configured App's public key, ``iss`` equal to
the App id, ``exp`` in the future but at most ten minutes away.
"""

from __future__ import annotations

import time

import jwt

from standin.state import Principal, World

# GitHub refuses App JWTs that live longer than this (seconds).
MAX_JWT_LIFETIME = 600
# PyGithub back-dates ``iat`` by 60 s to tolerate clock drift; allow the same.
CLOCK_SLACK = 60


class AuthError(Exception):
    """Answer 401 with GitHub's message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def authenticate(world: World, header: str | None) -> Principal:
    """The principal of an ``Authorization`` header, or AuthError."""
    if not header:
        raise AuthError("Requires authentication")
    scheme, _, credential = header.strip().partition(" ")
    if scheme.lower() not in ("token", "bearer") or not credential.strip():
        raise AuthError("Bad credentials")
    credential = credential.strip()
    principal = world.tokens.get(credential)
    if principal is not None:
        return principal
    if credential.count(".") == 2:
        return _app_principal(world, credential)
    raise AuthError("Bad credentials")


def _app_principal(world: World, token: str) -> Principal:
    """Verify an App JWT; any defect gives GitHub's 'could not be decoded' answer."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
        app = world.apps.get(int(claims.get("iss", -1)))
        if app is None:
            raise AuthError(f"Integration not found: 'iss' claim {claims.get('iss')!r}")
        claims = jwt.decode(
            token,
            app.public_key_pem,
            algorithms=["RS256"],
            options={"require": ["iat", "exp", "iss"]},
            leeway=CLOCK_SLACK,
        )
    except (jwt.PyJWTError, ValueError, TypeError) as error:
        raise AuthError(f"A JSON web token could not be decoded ({error})") from None
    if claims["exp"] > time.time() + MAX_JWT_LIFETIME + CLOCK_SLACK:
        raise AuthError("'Expiration time' claim ('exp') is too far in the future")
    return Principal(login=f"{app.slug}[bot]", app=app.id)
