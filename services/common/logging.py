"""structlog set up once: JSON lines when not on a terminal, pretty output on one."""

from __future__ import annotations

import logging
import sys

import structlog

from services.common.settings import Settings


def configure_logging(settings: Settings, *, stage: str) -> None:
    """Configure structlog and the stdlib root logger (FastStream logs through it)."""
    level = logging.getLevelNamesMapping()[settings.log_level.upper()]
    as_json = settings.log_format == "json" or (settings.log_format == "auto" and not sys.stderr.isatty())
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer() if as_json else structlog.dev.ConsoleRenderer()
    )
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=True,
    )
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(stage=stage)
    logging.basicConfig(level=max(level, logging.WARNING), stream=sys.stderr, force=True)
    # FastStream logs every task callback at INFO through its own handler; its warnings are what matter.
    logging.getLogger("faststream").setLevel(max(level, logging.WARNING))
