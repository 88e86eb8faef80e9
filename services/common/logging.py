"""structlog set up once: JSON lines when not on a terminal, pretty output on one.

Everything a process logs goes through the same renderer: structlog's own loggers, the
standard library's (FastStream's among them, whose own handlers are removed) and Python
warnings, so in JSON mode every line is one JSON object. A lost connection while fetching
is one warning line, never a traceback, and nothing at all once the process is stopping.
"""

from __future__ import annotations

import io
import logging
import sys
import threading
from datetime import UTC, datetime
from types import TracebackType
from typing import IO

import orjson
import structlog
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from services.common.settings import Settings

#: The stdlib logger FastStream brokers log through (``RedisBroker(logger=...)``).
BROKER_LOGGER = "newsfacts.broker"
#: Set when the process begins a clean stop: connection errors from then on are expected.
STOPPING = threading.Event()
_FETCH_ERROR = "Message fetch error"
_CONNECTION_ERRORS = (RedisConnectionError, RedisTimeoutError, ConnectionError, OSError)


def logs_as_json(settings: Settings) -> bool:
    """Whether logs are JSON lines: asked for, or ``auto`` off a terminal."""
    return settings.log_format == "json" or (settings.log_format == "auto" and not sys.stderr.isatty())


class ConnectionLoss(logging.Filter):
    """FastStream's 'Message fetch error' with a lost connection: one warning line, or none when stopping."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if record.getMessage() != _FETCH_ERROR or not isinstance(error, _CONNECTION_ERRORS):
            return True
        if STOPPING.is_set():
            return False
        record.msg, record.args = "server unreachable; retrying", None
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.exc_info, record.exc_text = None, None
        record.error = f"{type(error).__name__}: {error}"
        return True


def configure_logging(settings: Settings, *, stage: str) -> None:
    """Configure structlog, and the stdlib root logger to render its records the same way."""
    level = logging.getLevelNamesMapping()[settings.log_level.upper()]
    json_lines = logs_as_json(settings)
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer() if json_lines else structlog.dev.ConsoleRenderer()
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
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[*shared, structlog.stdlib.add_logger_name, structlog.stdlib.ExtraAdder()],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
        )
    )
    handler.addFilter(ConnectionLoss())
    logging.basicConfig(level=max(level, logging.WARNING), handlers=[handler], force=True)
    logging.captureWarnings(True)
    # FastStream logs every task callback at INFO and keeps handlers of its own: send its records to ours.
    for name in ("faststream", BROKER_LOGGER):
        own = logging.getLogger(name)
        own.handlers.clear()
        own.propagate = True
        own.setLevel(max(level, logging.WARNING))
    sys.excepthook = _log_uncaught


def _log_uncaught(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
    """An exception nobody caught, logged as one record (a JSON line in JSON mode) instead of printed."""
    structlog.get_logger().critical("uncaught exception", exc_info=(kind, error, tb))


class JsonLines(io.TextIOBase):
    """A text stream whose every line comes out as one JSON object: JSON lines as they are, others wrapped.

    ``up`` puts its own stdout and stderr behind one in JSON mode, and passes its workers' output
    through it, so a plain ``print`` or a child's stray line cannot break a JSON log.
    """

    def __init__(self, target: IO[bytes], level: str, **context: object) -> None:
        self._target = target
        self._level = level
        self._context = context
        self._pending = ""
        self._lock = threading.Lock()

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._target.fileno()

    def write(self, text: str) -> int:
        with self._lock:
            self._pending += text
            *lines, self._pending = self._pending.split("\n")
            for line in lines:
                self._emit(line, self._context)
        return len(text)

    def line(self, raw: bytes, **context: object) -> None:
        """One line of a child's output, with what says whose it is."""
        with self._lock:
            self._emit(raw.decode("utf-8", errors="replace").rstrip("\r\n"), {**self._context, **context})

    def flush(self) -> None:
        self._target.flush()

    def _emit(self, line: str, context: dict[str, object]) -> None:
        if not line.strip():
            return
        try:
            is_json = isinstance(orjson.loads(line), dict)
        except orjson.JSONDecodeError:
            is_json = False
        if is_json:
            out = line.encode()
        else:
            record = {"event": line, **context, "level": self._level, "timestamp": now_iso()}
            out = orjson.dumps(record)
        self._target.write(out + b"\n")
        self._target.flush()


def now_iso() -> str:
    """The time now as structlog's TimeStamper writes it."""
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")
