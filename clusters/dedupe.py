"""Near-duplicate articles: the same wire copy on other hosts, re-headlined and trimmed.

Each article's text becomes a MinHash of its word 5-shingles; a MinHash LSH index (datasketch)
finds earlier articles whose estimated Jaccard similarity reaches ``duplicate_threshold``. The
index holds the last ``duplicate_memory`` articles of this worker, oldest forgotten first, so
its memory is bounded whatever the traffic.

Sharding: every fetch worker keeps its own index over the entries of its partitions. Copies of
one story fetched by different workers are therefore not marked here; the cluster stage still
joins their incidents into one event, with one more source each.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH

from wirewatch.config import ClusterSettings

__all__ = ["NearDuplicates", "Verdict", "shingles"]

_WORD = re.compile(r"\w+", re.UNICODE)
_SHINGLE = 5
# 64 permutations: the similarity estimate is within about 0.06 of the truth (one standard
# error at 0.5), enough to tell a copy (0.7-0.95 measured on trimmed copies) from another story
# (under 0.1); 128 doubled the index's memory
_NUM_PERM = 64
#: texts shorter than this (in words) are never called duplicates: a two-line brief matches
#: too many others
MIN_WORDS = 40


def shingles(text: str, size: int = _SHINGLE) -> set[bytes]:
    words = _WORD.findall(text.lower())
    return {" ".join(words[i : i + size]).encode() for i in range(max(0, len(words) - size + 1))}


def _band_key(band: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(band, digest_size=8).digest(), "little")


@dataclass(frozen=True, slots=True)
class Verdict:
    original: str  # article_id of the first copy
    similarity: float


class NearDuplicates:
    """Remembers articles; says which earlier one a new text copies."""

    def __init__(self, settings: ClusterSettings) -> None:
        self.threshold = settings.duplicate_threshold
        self.capacity = settings.duplicate_memory
        # band keys hashed to one int each: datasketch keeps the band's bytes otherwise
        self._lsh = MinHashLSH(threshold=self.threshold, num_perm=_NUM_PERM, hashfunc=_band_key)
        self._sketches: OrderedDict[str, np.ndarray] = OrderedDict()  # hash values only

    def __len__(self) -> int:
        return len(self._sketches)

    def check(self, article_id: str, text: str) -> Verdict | None:
        """The earlier article ``text`` copies (most similar first copy), else None; either way
        the article is remembered (a duplicate under its original's id only)."""
        words = shingles(text)
        if len(words) + _SHINGLE - 1 < MIN_WORDS:
            return None
        if article_id in self._sketches:  # seen before (a redone batch): not a copy of itself
            self._sketches.move_to_end(article_id)
            return None
        sketch = MinHash(num_perm=_NUM_PERM)
        sketch.update_batch(list(words))
        best: Verdict | None = None
        for other in self._lsh.query(sketch):
            sim = float(np.count_nonzero(sketch.hashvalues == self._sketches[other])) / _NUM_PERM
            if sim >= self.threshold and (best is None or sim > best.similarity):
                best = Verdict(other, round(sim, 3))
        if best is None:
            self._remember(article_id, sketch)
        return best

    def _remember(self, article_id: str, sketch: MinHash) -> None:
        self._lsh.insert(article_id, sketch)
        self._sketches[article_id] = sketch.hashvalues
        while len(self._sketches) > self.capacity:
            old, _ = self._sketches.popitem(last=False)
            self._lsh.remove(old)
