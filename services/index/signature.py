"""The MinHash signature of an article's text, so the projector can link rewrites of one story.

Shingles are runs of ``SHINGLE`` words after casefolding, NFKC and dropping punctuation, so
a rewrite that keeps most sentences keeps most shingles. Seed and scheme are pinned: a
signature must mean the same thing in every process and every release of this version.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from datasketch import MinHash  # type: ignore[import-untyped]  # ships no type information

#: Hash functions per signature; the projector splits them into LSH bands.
NUM_PERM = 64
#: Words per shingle: long enough that unrelated articles share few, short enough to survive edits.
SHINGLE = 5
#: Texts with fewer words get no signature (too little to tell a rewrite from a coincidence).
MIN_WORDS = 8
#: datasketch's seed and hashing scheme; changing either makes every stored signature incomparable.
SEED = 1
SCHEME = "affine32"

_WORD = re.compile(r"\w+")


@cache
def _template() -> MinHash:
    """One MinHash with its permutations drawn; copies reuse them instead of drawing again."""
    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)


def words(text: str) -> list[str]:
    """The text's words, casefolded and NFKC-normalised, punctuation dropped."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def shingles(text: str) -> set[bytes]:
    """Distinct runs of ``SHINGLE`` consecutive words, UTF-8 encoded."""
    return _shingles(words(text))


def _shingles(w: list[str]) -> set[bytes]:
    return {" ".join(w[i : i + SHINGLE]).encode() for i in range(max(len(w) - SHINGLE + 1, 0))}


def signature(text: str) -> list[int]:
    """The ``NUM_PERM`` MinHash values of the text's shingles; empty under ``MIN_WORDS`` words."""
    w = words(text)
    if len(w) < MIN_WORDS:
        return []
    minhash = _template().copy()
    minhash.update_batch(_shingles(w))
    return [int(v) for v in minhash.hashvalues]
