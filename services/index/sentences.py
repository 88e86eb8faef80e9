"""Sentence splitting for news text that does not break after 'Corp.', 'U.S.' or 'Oct.'."""

from __future__ import annotations

import re

# Word lists read better packed than one per line.
# fmt: off
#: Abbreviations (lowercase, without the final dot) after which a period rarely ends a sentence.
ABBREVIATIONS = frozenset({
    "corp", "inc", "ltd", "co", "plc", "llc", "bros", "dept", "univ", "assn", "est", "approx", "vs",
    "etc", "al", "fig", "no", "nos", "vol", "pp", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thurs", "fri", "sat",
    "sun", "ave", "blvd", "rd", "mt", "ft", "jr", "sr"
})
#: Titles and forms of address: a period after them never ends a sentence.
TITLES = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "capt", "sgt", "cmdr",
    "adm", "rev", "hon", "pres", "st"
})
#: Capitalised words that start a new sentence even right after an abbreviation ('... Corp. The ...').
SENTENCE_STARTERS = frozenset({
    "the", "a", "an", "it", "its", "he", "she", "they", "we", "i", "this", "that", "these", "those",
    "but", "and", "so", "yet", "in", "on", "at", "for", "as", "after", "before", "while", "when", "if",
    "there", "his", "her", "their", "our", "some", "many", "most", "no", "shares"
})
# fmt: on

_PARAGRAPH = re.compile(r"\n\s*\n")
_BOUNDARY = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019)\]]*(?=\s)")
_NEXT_WORD = re.compile(r"\s+[\"'\u201c\u2018(\[]?(\w+)")
_LAST_TOKEN = re.compile(r"(\S+)$")
_ACRONYM = re.compile(r"^(?:\w\.)+\w$")
_SPACE = re.compile(r"\s+")


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text`` in order, whitespace collapsed; a blank line always ends one."""
    sentences: list[str] = []
    for paragraph in _PARAGRAPH.split(text):
        sentences.extend(_split_paragraph(paragraph))
    return sentences


def _split_paragraph(paragraph: str) -> list[str]:
    out: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(paragraph):
        end = match.end()
        following = _NEXT_WORD.match(paragraph, end)
        if following is None:
            continue
        next_word = following.group(1)
        if not (next_word[0].isupper() or next_word[0].isdigit()):
            continue
        if match.group().startswith(".") and not _ends_sentence(paragraph[start : match.start()], next_word):
            continue
        _append(out, paragraph[start:end])
        start = end
    _append(out, paragraph[start:])
    return out


def _ends_sentence(before: str, next_word: str) -> bool:
    """Whether a period after ``before`` ends the sentence, given the next word."""
    last = _LAST_TOKEN.search(before)
    if last is None:
        return True
    token = last.group(1).lstrip("\"'\u201c\u2018([").lower()
    if token in TITLES or (len(token) == 1 and token.isalpha()):
        return False  # 'Dr. Lee', 'J. Smith'
    if token in ABBREVIATIONS or _ACRONYM.match(token):
        return next_word.lower() in SENTENCE_STARTERS  # 'U.S. The ...' ends; 'U.S. Treasury' does not
    return True


def _append(out: list[str], piece: str) -> None:
    sentence = _SPACE.sub(" ", piece).strip()
    if sentence:
        out.append(sentence)


def lede(text: str, limit: int = 300) -> str:
    """The opening of ``text``: its first sentence, plus the second when both fit in ``limit`` chars."""
    sentences = split_sentences(text)
    if not sentences:
        return ""
    first = sentences[0]
    if len(first) > limit:
        cut = first.rfind(" ", 0, limit)
        return first[: cut if cut > 0 else limit - 1].rstrip(" ,;:-") + "…"
    if len(sentences) > 1 and len(first) + 1 + len(sentences[1]) <= limit:
        return f"{first} {sentences[1]}"
    return first
