"""Ingest: validate a submission, give it a stable id, and tell exact duplicates apart.

Pure functions only; the worker wiring is in ``app.py``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import orjson
from pydantic import ValidationError

from services.common.events.amendments import ArticleCorrectedV1
from services.common.events.intake import ArticleIngestedV1, ArticleSubmittedV1, RejectReason
from services.common.rejection import Rejection

_LANG_RE = re.compile(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})?$")
_TRACKING = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "ocid", "cmpid")


def parse_submission(raw: bytes, max_bytes: int) -> dict[str, object]:
    """Parse submission JSON; raise ``Rejection`` for oversize, non-UTF-8, malformed or non-object input."""
    if len(raw) > max_bytes:
        raise Rejection(RejectReason.TOO_LARGE, f"input is {len(raw)} bytes; the limit is {max_bytes}")
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        text = str(exc)
        if "utf-8" in text.lower() or "surrogate" in text.lower():
            raise Rejection(RejectReason.NOT_UTF8, f"input is not valid UTF-8: {text}") from None
        if "depth limit" in text.lower() or "recursion" in text.lower():
            raise Rejection(RejectReason.TOO_DEEP, "input JSON is nested too deeply") from None
        raise Rejection(RejectReason.MALFORMED_JSON, f"input is not valid JSON: {text}") from None
    if not isinstance(obj, dict):
        raise Rejection(
            RejectReason.NOT_AN_OBJECT, f"an article must be a JSON object, got {type(obj).__name__}"
        )
    return obj


def validate(obj: dict[str, object]) -> ArticleSubmittedV1:
    """Check field types; raise ``Rejection`` naming the first bad field."""
    try:
        submitted = ArticleSubmittedV1.model_validate(obj, strict=True)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise Rejection(RejectReason.INVALID_FIELD, f"field {where!r}: {err['msg']}") from None
    return submitted


def ingest(sub: ArticleSubmittedV1) -> ArticleIngestedV1:
    """Accept a valid submission as an article; raise ``Rejection`` when it cannot be one."""
    title = _strip(sub.title)
    body = _strip(sub.body)
    html = _strip(sub.html)
    if not (title or body or html):
        raise Rejection(RejectReason.MISSING_CONTENT, "an article needs a title, a body or html")
    url = normalise_url(sub.url) if sub.url else None
    language = _language(sub.language)
    published = normalise_time(sub.published_at) if sub.published_at else None
    content = "\n".join([_fold(title), _fold(body or html)])
    content_hash = hashlib.sha256(content.encode()).hexdigest()
    identity = f"url:{url}" if url else f"content:{content_hash}"
    return ArticleIngestedV1(
        article_id="a" + hashlib.sha256(identity.encode()).hexdigest()[:19],
        content_hash=content_hash,
        title=title or None,
        body=body or None,
        html=html or None,
        url=url,
        source=_strip(sub.source) or None,
        published_at=published,
        language=language,
        size_bytes=sum(len(x.encode()) for x in (title, body, html)),
    )


def correct(correction: ArticleCorrectedV1) -> ArticleIngestedV1:
    """The corrected article, validated like a submission, under the id it already has.

    Only the content hash changes with the text, so exact-duplicate detection tells a real
    correction (new hash) from one that repeats the article's text (hash already taken).
    """
    fields = correction.model_dump(exclude={"article_id", "note"})
    accepted = ingest(ArticleSubmittedV1.model_validate(fields))
    return accepted.model_copy(update={"article_id": correction.article_id})


def normalise_url(url: str) -> str:
    """Canonical form of an article URL: lower-case host, no fragment, no tracking parameters."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise Rejection(RejectReason.INVALID_FIELD, f"field 'url': not an http(s) URL: {url[:200]!r}")
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.startswith(_TRACKING)]
    netloc = parts.hostname.lower() + (f":{parts.port}" if parts.port else "")
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), netloc, path, urlencode(sorted(query)), ""))


def normalise_time(value: str) -> str:
    """ISO 8601 (date, or date-time in UTC) from ISO 8601 or RFC 2822 (RSS) input."""
    text = value.strip()
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            parsed = None
    if parsed is None:
        raise Rejection(
            RejectReason.INVALID_FIELD,
            f"field 'published_at': {text[:60]!r} is neither ISO 8601 nor RFC 2822",
        )
    if len(text) == 10 and text[4] == "-":  # a plain date stays a date
        return parsed.date().isoformat()
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _language(value: str | None) -> str | None:
    if not value or not value.strip():
        return None
    if not _LANG_RE.match(value.strip()):
        raise Rejection(
            RejectReason.INVALID_FIELD, f"field 'language': {value[:20]!r} is not a language code"
        )
    return value.strip()[:3].split("-")[0].split("_")[0].lower()


def _strip(value: str | None) -> str:
    return value.strip() if value else ""


def _fold(text: str) -> str:
    """Text as compared for identity: NFC, case-folded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())
