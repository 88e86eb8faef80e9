"""Main-text extraction from HTML: trafilatura first, a plain lxml walk as the fallback."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

# lxml ships no type information and lxml-stubs is not a dependency; its objects are Any here.
import lxml.etree  # type: ignore[import-untyped]
import lxml.html  # type: ignore[import-untyped]
import trafilatura

# Elements whose content is never prose. Dropped before any extractor sees the page,
# so code, styles and embedded frames cannot leak into the text whatever the extractor does.
_UNSAFE = ("script", "style", "noscript", "iframe", "frame", "object", "embed", "template", "svg", "canvas")
# Page furniture the fallback also drops; trafilatura has its own, better, boilerplate model.
_FURNITURE = ("head", "nav", "header", "footer", "aside", "form", "button", "select", "menu", "dialog")
# Elements that end a paragraph when the fallback flattens the tree.
_BLOCKS = frozenset(
    {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "main"}
    | {"blockquote", "pre", "table", "tr", "dd", "dt", "figure", "figcaption"}
)

_UNSAFE_XPATH = "|".join(f"//{tag}" for tag in _UNSAFE)
_FURNITURE_XPATH = "|".join(f"//{tag}" for tag in _FURNITURE)

# A tag such as <p>, </div> or <br/>; "a < b" in prose does not match.
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?/?>|<!--")
# lxml refuses str input that declares an encoding; the text is already decoded, so drop it.
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_ENTITY = re.compile(r"&(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")


# What XML (and so lxml) cannot hold: C0 controls but tab, newline and carriage return, lone
# surrogates, U+FFFE and U+FFFF. An article carrying ESC, BEL or backspace made lxml raise
# ("All strings must be XML compatible"); they carry no text, so they go before parsing.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class Unextractable(ValueError):
    """The markup cannot be parsed into text at all: the input's fault, rejected once, not retried."""


def xml_safe(text: str) -> str:
    """``text`` without the characters XML cannot hold."""
    return _NOT_XML.sub("", text)


@dataclass(frozen=True)
class Extracted:
    """Text pulled out of markup, with the page title when one was found."""

    text: str
    title: str
    extractor: str


def _parse(markup: str) -> lxml.html.HtmlElement | None:
    """Parse ``markup`` and drop the unsafe elements; None when there is nothing to parse."""
    try:
        tree = lxml.html.document_fromstring(_XML_DECLARATION.sub("", xml_safe(markup), count=1))
    except (lxml.etree.ParserError, ValueError):
        return None
    for node in tree.xpath(_UNSAFE_XPATH):
        node.drop_tree()  # keeps the tail text, which belongs to the parent
    # Comments and processing instructions never carry article text.
    for node in list(tree.iter(lxml.etree.Comment, lxml.etree.ProcessingInstruction)):
        node.drop_tree()
    return tree


def _flatten(tree: lxml.html.HtmlElement) -> str:
    """Text of ``tree`` with a blank line after each block element."""
    for node in tree.xpath(_FURNITURE_XPATH):
        node.drop_tree()
    for node in tree.iter():
        if not isinstance(node.tag, str):
            continue
        if node.tag in _BLOCKS:
            node.tail = "\n\n" + (node.tail or "")
        elif node.tag == "br":
            node.tail = "\n" + (node.tail or "")
    return str(tree.text_content())


_NO_DATE_SEARCH = {"extensive_search": False, "original_date": False}


def extract_html(markup: str) -> Extracted:
    """Main text and title of an HTML page; empty text when nothing readable is left.

    ``Unextractable`` when the extractors fail on it whatever is done (an input fault, not a bug).
    """
    try:
        return _extract_html(markup)
    except (ValueError, lxml.etree.LxmlError) as exc:
        raise Unextractable(f"{type(exc).__name__}: {exc}") from None


def _extract_html(markup: str) -> Extracted:
    tree = _parse(markup)
    if tree is None:
        return Extracted(text="", title="", extractor="lxml")
    title = str(tree.findtext(".//title") or "")
    # favor_precision: a shorter text without menus and teasers beats a complete one with them.
    # Metadata is read for the title only. htmldate's extensive search would run dateparser over the
    # page's text (12 ms a page, and 1.7-4 s the first time a language's patterns compile, which
    # stalled the worker): the publication date comes from the submission instead.
    document = trafilatura.bare_extraction(
        tree,
        favor_precision=True,
        include_comments=False,
        include_tables=False,
        with_metadata=True,
        date_extraction_params=_NO_DATE_SEARCH,
    )
    if document is not None and not isinstance(document, dict) and document.text:
        return Extracted(text=document.text, title=document.title or title, extractor="trafilatura")
    # trafilatura prunes the tree it is given, so the fallback starts again from the markup.
    fresh = _parse(markup)
    return Extracted(text=_flatten(fresh) if fresh is not None else "", title=title, extractor="lxml")


def strip_markup(text: str) -> tuple[str, str]:
    """Plain text of a string that may hold stray tags or entities, and the extractor used.

    Bodies pasted from a CMS keep ``<p>`` tags and ``&amp;``; tags need a parser ("lxml"),
    entities alone only unescaping ("plain"). Text without either is returned as it is.
    """
    if _TAG.search(text):
        tree = _parse(f"<html><body>{text}</body></html>")
        try:
            return (_flatten(tree) if tree is not None else ""), "lxml"
        except (ValueError, lxml.etree.LxmlError) as exc:
            raise Unextractable(f"{type(exc).__name__}: {exc}") from None
    if _ENTITY.search(text):
        return html.unescape(text), "plain"
    return text, "plain"
