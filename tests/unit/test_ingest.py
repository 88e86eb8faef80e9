"""Ingest: what is accepted as an article, with which id, and why the rest is rejected."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from services.common.envelope import Envelope, encode, make_event
from services.common.events.intake import ArticleIngestedV1, ArticleSubmittedV1, RejectReason
from services.common.names import Names
from services.common.rejection import Rejection
from services.common.stage import StageContext
from services.ingest import VERSION
from services.ingest.logic import ingest, parse_submission, validate
from services.ingest.stage import process, read_submission

LIMIT = 64 * 1024


def accept(article: dict[str, Any]) -> ArticleIngestedV1:
    """The whole pure path a submission takes: parse, validate, ingest."""
    return ingest(validate(parse_submission(orjson.dumps(article), LIMIT)))


def rejection(raw: bytes, max_bytes: int = LIMIT) -> Rejection:
    with pytest.raises(Rejection) as caught:
        ingest(validate(parse_submission(raw, max_bytes)))
    return caught.value


class TestArticleId:
    def test_same_url_gives_same_id_despite_tracking_fragment_and_host_case(self) -> None:
        """Tracking parameters, a fragment, a trailing slash and host case do not make a new article."""
        plain = accept({"title": "T", "url": "https://example.com/news/1?a=1&b=2"})
        noisy = accept(
            {"title": "T", "url": "HTTPS://Example.COM/news/1/?b=2&utm_source=rss&a=1&fbclid=x#comments"}
        )
        assert noisy.article_id == plain.article_id
        assert noisy.url == plain.url == "https://example.com/news/1?a=1&b=2"

    def test_same_url_with_other_content_keeps_the_id_but_not_the_hash(self) -> None:
        """A corrected article is the same article with another content hash."""
        first = accept({"title": "T", "body": "First version.", "url": "https://example.com/n"})
        second = accept({"title": "T", "body": "Corrected version.", "url": "https://example.com/n"})
        assert second.article_id == first.article_id
        assert second.content_hash != first.content_hash

    def test_same_content_without_url_gives_same_id(self) -> None:
        """Without a URL the identity is the content."""
        article = {"title": "Rates rise", "body": "The bank raised rates."}
        assert accept(article).article_id == accept(dict(article)).article_id

    def test_whitespace_and_case_do_not_change_the_id(self) -> None:
        """Content is compared case-folded with whitespace collapsed."""
        tidy = accept({"title": "Rates rise", "body": "The bank raised rates."})
        messy = accept({"title": "  RATES   rise\n", "body": "the bank\n\n raised   RATES."})
        assert messy.article_id == tidy.article_id
        assert messy.content_hash == tidy.content_hash

    def test_different_content_gives_different_id_and_hash(self) -> None:
        """Two different articles without URLs never share an id."""
        one = accept({"title": "Rates rise", "body": "The bank raised rates."})
        other = accept({"title": "Rates fall", "body": "The bank cut rates."})
        assert other.article_id != one.article_id
        assert other.content_hash != one.content_hash

    def test_ingested_article_keeps_fields_stripped(self) -> None:
        """Accepted fields are kept, stripped of surrounding whitespace; empty ones become None."""
        article = accept(
            {"title": " T ", "body": "B", "html": "   ", "source": " Wire ", "language": "EN-us"}
        )
        assert (article.title, article.body, article.html) == ("T", "B", None)
        assert article.source == "Wire"
        assert article.language == "en"
        assert article.size_bytes == 2


class TestRejections:
    def test_too_large(self) -> None:
        """Input over the size limit is refused before parsing."""
        fault = rejection(orjson.dumps({"body": "x" * 2000}), max_bytes=1024)
        assert fault.reason == RejectReason.TOO_LARGE

    def test_not_utf8(self) -> None:
        """Bytes that are not UTF-8 are not_utf8, not a crash."""
        assert rejection(b'{"title": "\xff\xfe"}').reason == RejectReason.NOT_UTF8

    @pytest.mark.parametrize("raw", [b'{"title": ', b"{title: 'x'}", b"", b"<html></html>"])
    def test_malformed_json(self, raw: bytes) -> None:
        """Text that is not JSON is malformed_json."""
        assert rejection(raw).reason == RejectReason.MALFORMED_JSON

    @pytest.mark.parametrize("raw", [b'[{"title": "x"}]', b"42", b'"an article"', b"null", b"true"])
    def test_json_that_is_not_an_object(self, raw: bytes) -> None:
        """An article is a JSON object."""
        assert rejection(raw).reason == RejectReason.NOT_AN_OBJECT

    @pytest.mark.parametrize(
        ("article", "field"),
        [
            ({"title": 5}, "title"),
            ({"title": "T", "body": ["a", "b"]}, "body"),
            ({"title": "T", "url": 42}, "url"),
            ({"title": "T", "published_at": 1634630400}, "published_at"),
        ],
    )
    def test_wrong_types_name_the_field(self, article: dict[str, Any], field: str) -> None:
        """A field of the wrong JSON type is invalid_field, and the message names it."""
        fault = rejection(orjson.dumps(article))
        assert fault.reason == RejectReason.INVALID_FIELD
        assert repr(field) in fault.message

    @pytest.mark.parametrize(
        "article",
        [{}, {"source": "Wire", "url": "https://example.com/x"}, {"title": None, "body": None}],
    )
    def test_no_title_body_or_html(self, article: dict[str, Any]) -> None:
        """Something to read is required."""
        assert rejection(orjson.dumps(article)).reason == RejectReason.MISSING_CONTENT

    def test_whitespace_only_fields_are_missing_content(self) -> None:
        """Blank fields do not count as content."""
        fault = rejection(orjson.dumps({"title": "   ", "body": "\n\t", "html": " "}))
        assert fault.reason == RejectReason.MISSING_CONTENT

    @pytest.mark.parametrize(
        "url",
        ["javascript:alert(1)", "ftp://example.com/a", "example.com/a", "http:///nohost", "mailto:a@b.c"],
    )
    def test_url_must_be_http(self, url: str) -> None:
        """Only absolute http(s) URLs identify an article."""
        fault = rejection(orjson.dumps({"title": "T", "url": url}))
        assert fault.reason == RejectReason.INVALID_FIELD
        assert "'url'" in fault.message

    @pytest.mark.parametrize("value", ["yesterday", "2021-13-45", "19/10/2021", "Tue, 99 Foo 2021"])
    def test_bad_published_at(self, value: str) -> None:
        """A date neither ISO 8601 nor RFC 2822 is invalid_field naming published_at."""
        fault = rejection(orjson.dumps({"title": "T", "published_at": value}))
        assert fault.reason == RejectReason.INVALID_FIELD
        assert "published_at" in fault.message

    @pytest.mark.parametrize("value", ["english", "e", "12", "en-", "en US"])
    def test_bad_language_code(self, value: str) -> None:
        """The language hint must look like an ISO 639 code (optionally with a region)."""
        fault = rejection(orjson.dumps({"title": "T", "language": value}))
        assert fault.reason == RejectReason.INVALID_FIELD
        assert "language" in fault.message

    def test_deeply_nested_json_is_a_rejection_not_a_crash(self) -> None:
        """5000 levels of nesting are refused with a Rejection, never a RecursionError."""
        fault = rejection(b"[" * 5000)
        assert fault.reason in {RejectReason.TOO_DEEP, RejectReason.MALFORMED_JSON}

    def test_deeply_nested_json_is_too_deep(self) -> None:
        """Valid JSON nested past the parser's limit is too_deep, not malformed_json."""
        nested = b'{"title": "T", "extra": ' + b"[" * 2000 + b"]" * 2000 + b"}"
        assert rejection(nested).reason == RejectReason.TOO_DEEP


class TestPublishedAt:
    @pytest.mark.parametrize(
        ("given", "stored"),
        [
            ("2021-10-19T08:00:00+08:00", "2021-10-19T00:00:00Z"),
            ("2021-10-19T00:00:00Z", "2021-10-19T00:00:00Z"),
            ("2021-10-19T08:00:00", "2021-10-19T08:00:00Z"),
            ("Tue, 19 Oct 2021 08:00:00 +0800", "2021-10-19T00:00:00Z"),
            ("Tue, 19 Oct 2021 08:00:00 GMT", "2021-10-19T08:00:00Z"),
            (" 2021-10-19 ", "2021-10-19"),
        ],
    )
    def test_times_are_stored_in_utc_and_dates_stay_dates(self, given: str, stored: str) -> None:
        """ISO 8601 and RFC 2822 times become UTC with a Z; a plain date stays a plain date."""
        assert accept({"title": "T", "published_at": given}).published_at == stored


CTX = StageContext(names=Names("unit"), stage="ingest", version=VERSION, max_article_bytes=LIMIT)


class TestStage:
    def test_bare_article_is_wrapped_into_a_submission(self) -> None:
        """An article XADDed by hand becomes an article.submitted event with its data."""
        event = read_submission(b'{"title": "T", "body": "B"}', "1-0", CTX)
        assert event.type == "article.submitted"
        assert event.causationid is None
        assert event.data["title"] == "T"

    def test_bare_article_id_is_stable_for_the_same_entry(self) -> None:
        """Redelivery of the same entry reads as the same submission; another entry does not."""
        raw = b'{"title": "T", "body": "B"}'
        first = read_submission(raw, "1-0", CTX)
        assert read_submission(raw, "1-0", CTX).id == first.id
        assert read_submission(raw, "1-0", CTX).correlationid == first.correlationid
        assert read_submission(raw, "2-0", CTX).id != first.id

    def test_submitted_envelope_is_decoded_as_is(self) -> None:
        """A publisher's envelope keeps its own id."""
        sent = _submitted({"title": "T", "body": "B"})
        assert read_submission(encode(sent), "9-0", CTX) == sent

    def test_bare_article_with_wrong_types_is_rejected(self) -> None:
        """Wrapping validates the article too."""
        with pytest.raises(Rejection) as caught:
            read_submission(b'{"title": 5}', "1-0", CTX)
        assert caught.value.reason == RejectReason.INVALID_FIELD

    def test_process_guards_on_the_content_fingerprint(self) -> None:
        """Acceptance is guarded by article id and content hash, with a duplicate fact as the alternative."""
        sent = _submitted({"title": "T", "body": "B", "url": "https://example.com/a"})
        result = process(sent, CTX)
        [ingested] = result.events
        [duplicate] = result.otherwise
        assert ingested.type == "article.ingested"
        assert duplicate.type == "article.duplicate"
        article_id, content_hash = ingested.data["article_id"], ingested.data["content_hash"]
        assert result.guard is not None
        assert result.guard.key == Names("unit").fingerprints()
        assert result.guard.field == f"{article_id}:{content_hash}"
        assert result.guard.token == sent.id
        assert duplicate.data == {"article_id": article_id, "content_hash": content_hash}
        for event in (ingested, duplicate):
            assert event.subject == article_id
            assert event.causationid == sent.id
            assert event.correlationid == sent.correlationid

    def test_process_is_deterministic(self) -> None:
        """Processing the same submission twice derives the same event ids."""
        sent = _submitted({"title": "T", "body": "B"})
        assert [e.id for e in process(sent, CTX).events] == [e.id for e in process(sent, CTX).events]

    def test_process_rejects_an_envelope_with_bad_article_data(self) -> None:
        """A submission envelope whose data has no content is rejected with its reason."""
        sent = _submitted({"title": "  "})
        with pytest.raises(Rejection) as caught:
            process(sent, CTX)
        assert caught.value.reason == RejectReason.MISSING_CONTENT


def _submitted(article: dict[str, Any]) -> Envelope:
    return make_event(
        "article.submitted",
        ArticleSubmittedV1(**article),
        source="newsfacts/publish",
        stageversion="publish/test",
        subject=None,
        correlationid="corr",
        causationid=None,
    )
