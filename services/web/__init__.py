"""The HTTP API and the web UI over the read models and the pipeline; the one door is ``create_app``."""

from services.web.app import create_app

__all__ = ["create_app"]
