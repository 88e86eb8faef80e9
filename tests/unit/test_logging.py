"""Logs: JSON lines stay JSON whatever prints them, and a lost connection is one warning, not a traceback."""

from __future__ import annotations

import io
import logging

import orjson
import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from services.common.logging import STOPPING, ConnectionLoss, JsonLines


def fetch_error(error: BaseException) -> logging.LogRecord:
    """The record FastStream makes when a stream read fails."""
    return logging.LogRecord(
        "newsfacts.broker",
        logging.ERROR,
        __file__,
        1,
        "Message fetch error",
        None,
        (type(error), error, None),
    )


@pytest.fixture(autouse=True)
def not_stopping() -> None:
    STOPPING.clear()


def test_a_lost_connection_while_fetching_is_one_warning_without_a_traceback() -> None:
    """After a server restart each failed read logs one warning line naming the error, no traceback."""
    record = fetch_error(RedisConnectionError("Connection closed by server."))
    assert ConnectionLoss().filter(record)
    assert (record.levelname, record.getMessage(), record.exc_info) == (
        "WARNING",
        "server unreachable; retrying",
        None,
    )
    assert record.error == "ConnectionError: Connection closed by server."


def test_a_lost_connection_while_stopping_logs_nothing() -> None:
    """A clean stop closes connections under the reads: that is no error, and nothing is logged."""
    STOPPING.set()
    assert not ConnectionLoss().filter(fetch_error(RedisConnectionError("closed")))


def test_other_fetch_errors_keep_their_level_and_traceback() -> None:
    """A bug while fetching is still an error with its traceback."""
    record = fetch_error(ValueError("bug"))
    assert ConnectionLoss().filter(record)
    assert record.levelno == logging.ERROR and record.exc_info is not None


def lines(buffer: io.BytesIO) -> list[dict[str, object]]:
    return [orjson.loads(line) for line in buffer.getvalue().splitlines()]


def test_json_lines_pass_through_and_other_lines_are_wrapped() -> None:
    """A JSON object line is kept as written; a plain line becomes a JSON object with the context."""
    out = io.BytesIO()
    stream = JsonLines(out, "warning", stage="up")
    stream.write('{"event": "worker starting", "level": "info"}\nnewsfacts: worker')
    stream.write(" clean exited with 1; restarted it\n\n")
    first, second = lines(out)
    assert first == {"event": "worker starting", "level": "info"}
    assert second["event"] == "newsfacts: worker clean exited with 1; restarted it"
    assert (second["stage"], second["level"]) == ("up", "warning")
    assert isinstance(second["timestamp"], str)


def test_a_childs_stray_output_is_wrapped_with_whose_it_is() -> None:
    """A worker's traceback line or non-UTF-8 bytes become JSON naming the role and pid."""
    out = io.BytesIO()
    JsonLines(out, "warning", stage="up").line(
        b"Traceback (most recent call last): \xff\n", role="clean", pid=7
    )
    (record,) = lines(out)
    assert (record["role"], record["pid"], record["stage"]) == ("clean", 7, "up")
    assert str(record["event"]).startswith("Traceback (most recent call last): ")
