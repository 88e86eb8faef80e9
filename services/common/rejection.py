"""The one exception for input that cannot be processed: it becomes an ``article.rejected`` fact."""

from __future__ import annotations

from services.common.events.intake import RejectReason


class Rejection(ValueError):
    """Input fault with a machine-readable reason and a message for humans."""

    def __init__(self, reason: RejectReason, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
