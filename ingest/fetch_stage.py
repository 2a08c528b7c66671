"""The fetch stage: feed entries in, articles out (topology row ``fetch``).

HTTP and extraction happen in ``handle``, outside any transaction: the runner writes the batch's
outputs afterwards in one short transaction. One extraction thread: extraction is CPU-bound
under the GIL, and concurrent extractions only add lock convoys.
"""

from __future__ import annotations

import asyncio
from array import array
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from hashlib import blake2b
from typing import ClassVar

from clusters.dedupe import NearDuplicates
from ingest.fetcher import ArticleFetcher
from ingest.http import HttpClient
from wirewatch.config import Settings
from wirewatch.contracts import Article, FeedEntry
from wirewatch.stage import Emit, Inbound, letter_for

__all__ = ["FetchStage", "FetchedVersions"]


class FetchedVersions:
    """Which version of which article this worker fetched lately, in fixed memory.

    Why: a dict of the last 100,000 URL keys cost about 300 bytes per new article, so a fetch
    worker's memory grew for days before the bound was reached (in the soak, 3-4 % per hour of
    its RSS), which is indistinguishable from a leak. This table is allocated once: ``slots``
    64-bit fingerprints of (URL key, version), the slot chosen by the URL key alone, so a new
    version replaces the old one and a key whose slot is taken by another evicts it. A
    forgotten key costs one repeated fetch, never a lost article; a false "seen" needs a 64-bit
    fingerprint collision in the same slot.
    """

    def __init__(self, slots: int = 1 << 17) -> None:
        if slots <= 0 or slots & (slots - 1):
            raise ValueError("slots must be a power of two")
        self._mask = slots - 1
        self._table = array("Q", bytes(8 * slots))  # 1 MiB for the default 131,072 slots

    def _slot_and_print(self, url_key: str, version: str) -> tuple[int, int]:
        slot = int.from_bytes(blake2b(url_key.encode(), digest_size=8).digest(), "little")
        fp = int.from_bytes(
            blake2b(f"{url_key}\0{version}".encode(), digest_size=8).digest(), "little"
        )
        return slot & self._mask, fp or 1  # 0 marks an empty slot

    def seen(self, url_key: str, version: str) -> bool:
        slot, fp = self._slot_and_print(url_key, version)
        return self._table[slot] == fp

    def add(self, url_key: str, version: str) -> None:
        slot, fp = self._slot_and_print(url_key, version)
        self._table[slot] = fp


def _version(entry: FeedEntry) -> str:
    return str(entry.updated_at or entry.published_at or "")


class FetchStage:
    """entries -> articles.

    An entry whose version this stage already fetched is skipped (the entries topic is keyed by
    URL, so one worker sees every copy of an article; in the embedded runner the same article
    reached through two feeds). The marks become real only in ``on_commit``: a batch redone
    after a failed write must not be skipped as "already fetched".
    """

    name: ClassVar[str] = "fetch"
    input_kind: ClassVar[str] = "entries"
    output_kinds: ClassVar[tuple[str, ...]] = ("articles",)
    settings_section: ClassVar[str] = "http"

    def __init__(self, settings: Settings, *, client: HttpClient | None = None) -> None:
        self.settings = settings
        self._own_client = client is None
        self.client = client
        self.fetcher: ArticleFetcher | None = None
        self.done = FetchedVersions()
        # keys handled by a batch not yet committed (embedded runner: concurrent batches), with
        # that batch's outcome: True once its outputs are written, False if it is aborted
        # first. A second copy is skipped, not waited for in ``handle`` (waiting could wait for
        # its own group: two batches of one poll group commit together). The skipping batch
        # records the outcome instead (``waits_for``): the runner commits its group only once
        # the copy it skipped is written, and re-polls it if that write failed, since its feed's
        # committed seen mark would make every later poll take the entry as not new.
        self._inflight: dict[str, asyncio.Future[bool]] = {}
        # id(batch) -> its outcome and the in-flight keys it holds
        self._owned: dict[int, tuple[asyncio.Future[bool], list[str]]] = {}
        # id(batch) -> the outcomes of the batches holding the copies it skipped
        self._skipped: dict[int, list[asyncio.Future[bool]]] = {}
        self._extract_pool = ThreadPoolExecutor(1, thread_name_prefix="extract")
        # wire copies on other hosts: marked duplicate_of their first copy (clusters/dedupe.py)
        self.duplicates = NearDuplicates(settings.cluster)
        # results of batches not yet committed, by (URL key, version): a batch redone after a
        # failed write (or split record by record) reuses them instead of fetching the pages
        # again; the bound keeps memory flat when redone batches move to another worker
        self._redo: OrderedDict[tuple[str, str], Article | BaseException] = OrderedDict()
        self.redo_max = 64

    async def setup(self) -> None:
        if self.client is None:
            self.client = HttpClient(self.settings.http)
        self.fetcher = ArticleFetcher(self.client, executor=self._extract_pool)

    async def handle(self, batch: Sequence[Inbound]) -> list[Emit]:
        assert self.fetcher is not None, "setup() first"
        todo: list[Inbound] = []
        keys: set[str] = set()
        waits: list[asyncio.Future[bool]] = []
        for item in batch:
            entry: FeedEntry = item.record
            key = entry.url_key
            if not entry.is_update:
                holder = self._inflight.get(key)
                if holder is not None and key not in keys:
                    waits.append(holder)
                    continue
                if key in keys or self.done.seen(key, _version(entry)):
                    continue
            keys.add(key)
            todo.append(item)
        outcome: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        owned = [k for k in keys if k not in self._inflight]
        self._inflight.update(dict.fromkeys(owned, outcome))
        self._owned[id(batch)] = (outcome, owned)
        if waits:
            self._skipped[id(batch)] = waits
        results = await asyncio.gather(
            *(self._fetch_once(item.record) for item in todo), return_exceptions=True
        )
        out: list[Emit] = []
        for item, res in zip(todo, results, strict=True):
            entry = item.record
            self._remember(entry, res)
            if isinstance(res, Article):
                copy = self.duplicates.check(res.article_id, res.text) if res.text else None
                if copy is not None:
                    res = res.model_copy(
                        update={
                            "duplicate_of": copy.original,
                            "duplicate_similarity": copy.similarity,
                        }
                    )
                out.append(Emit("articles", res.article_id, res))
            elif isinstance(res, BaseException):
                out.append(letter_for(self.name, item, res, key=entry.url_key))
        return out

    async def _fetch_once(self, entry: FeedEntry) -> Article:
        """The entry's article: from a redone batch's earlier attempt, else fetched."""
        assert self.fetcher is not None
        done = self._redo.get((entry.url_key, _version(entry)))
        if isinstance(done, BaseException):
            raise done
        if done is not None:
            return done
        return await self.fetcher.fetch(entry)

    def _remember(self, entry: FeedEntry, result: Article | BaseException | None) -> None:
        if result is None:
            return
        self._redo[(entry.url_key, _version(entry))] = result
        self._redo.move_to_end((entry.url_key, _version(entry)))
        while len(self._redo) > self.redo_max:
            self._redo.popitem(last=False)

    def waits_for(self, batch: Sequence[Inbound]) -> list[asyncio.Future[bool]]:
        """The outcomes of the other batches holding copies ``batch`` skipped (True: written)."""
        return self._skipped.get(id(batch), [])

    def on_written(self, batch: Sequence[Inbound]) -> None:
        """The batch's outputs reached the sink (before its commit): a batch that skipped its
        copies may commit now, even if this batch's own group is aborted later."""
        self._resolve(batch, True)

    def _resolve(self, batch: Sequence[Inbound], written: bool) -> None:
        outcome, _keys = self._owned.get(id(batch), (None, ()))
        if outcome is not None and not outcome.done():
            outcome.set_result(written)

    def _settle(self, batch: Sequence[Inbound], written: bool) -> None:
        self._resolve(batch, written)
        _outcome, keys = self._owned.pop(id(batch), (None, ()))
        for key in keys:
            self._inflight.pop(key, None)
        self._skipped.pop(id(batch), None)

    def on_commit(self, batch: Sequence[Inbound]) -> None:
        for item in batch:
            self.done.add(item.record.url_key, _version(item.record))
            self._redo.pop((item.record.url_key, _version(item.record)), None)
        self._settle(batch, True)

    def on_abort(self, batch: Sequence[Inbound]) -> None:
        self._settle(batch, False)

    async def close(self) -> None:
        if self.client is not None and self._own_client:
            await self.client.aclose()
        self._extract_pool.shutdown(wait=True)
