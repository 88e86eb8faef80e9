"""Who may write: loopback binding by default, a bearer token beyond it, compared in constant time."""

from __future__ import annotations

import hmac
import ipaddress
from dataclasses import dataclass

from fastapi import HTTPException, Request

from services.common.settings import Settings

#: Host names a browser may use for a loopback server (anything else is refused: DNS rebinding).
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


class UnsafeBinding(ValueError):
    """Serving beyond loopback without a token would let anyone on the network write."""


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and 'localhost'."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True, slots=True)
class WriteGuard:
    """The write endpoints' check: a token is required beyond loopback, and whenever one is set."""

    token: bytes | None
    required: bool

    @classmethod
    def for_binding(cls, settings: Settings, host: str) -> WriteGuard:
        """The guard for a server bound to ``host``; ``UnsafeBinding`` beyond loopback without a token."""
        token = settings.api_token.get_secret_value().encode() if settings.api_token else None
        if not is_loopback(host) and token is None:
            raise UnsafeBinding(
                f"refusing to serve on {host} without a token: set NEWSFACTS_API_TOKEN "
                "(the write endpoints require it beyond loopback), or bind 127.0.0.1"
            )
        return cls(token, token is not None)

    def check(self, request: Request) -> None:
        """Raise 401 unless the request carries the token (``Authorization: Bearer <token>``)."""
        if not self.required:
            return
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if (
            self.token is None
            or scheme.lower() != "bearer"
            or not hmac.compare_digest(given.strip().encode(), self.token)
        ):
            raise HTTPException(
                401, "this endpoint needs the API token: Authorization: Bearer <NEWSFACTS_API_TOKEN>",
                headers={"WWW-Authenticate": "Bearer"},
            )  # fmt: skip


def require_writer(request: Request) -> None:
    """FastAPI dependency of every write endpoint."""
    guard: WriteGuard = request.app.state.guard
    guard.check(request)
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        # A cross-site form cannot send JSON without a CORS preflight, which this server never grants.
        raise HTTPException(415, "send the body as application/json")
