"""What a read store raises that its users handle: the store is out of reach for now."""

from __future__ import annotations


class StoreUnavailable(ConnectionError):
    """The read store's server cannot be reached (down, restarting); nothing of the batch was kept."""


class SchemaTooNew(RuntimeError):
    """The store's schema was migrated by newer code than this."""
