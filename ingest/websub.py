"""WebSub (W3C Recommendation) push: the subscriber side.

A feed whose document declares a hub (``<atom:link rel="hub">`` in Atom or RSS, or an HTTP
``Link: <...>; rel="hub"`` header) together with its topic URL (``rel="self"``, else the URL
polled) is subscribed to at that hub with a callback URL the poll stage serves
(:mod:`ingest.websub_server`)::

    poll finds hub ──> POST hub.mode=subscribe ──> hub GETs the callback with hub.challenge
                                                   (echoed only for a request we made, with
                                                   the same topic; anything else: 404)
    hub POSTs a new document, X-Hub-Signature: sha256=HMAC(topic secret, body)
        ──> checked, queued (bounded) ──> the poll stage turns it into a poll result
            (same parsing, same seen marks, same state record) ──> the same outputs

A feed removed from the feed list (``wirewatch feeds remove``, ``feeds import --sync``, or a
``wirewatch run`` whose list no longer has a feed its state subscribed) is unsubscribed: a
``hub.mode=unsubscribe`` request, whose verification is echoed only while that request of ours
waits for it, retried until the lease would have lapsed anyway. Meanwhile its pushes are
refused with 410 (the spec's "subscription deleted") and never queued.

The subscription (:class:`Subscriptions`) lives in the memory of the worker that owns the feed:
after a restart or a rebalance the next poll of the feed finds the hub again and subscribes
anew (the hub replaces its subscription for the same callback and topic). While it is live the
feed is polled every ``websub.fallback_interval`` seconds; when a subscribe or renewal request
fails, the hub denies it, or the lease lapses, the feed's normal interval applies again.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import quote, urljoin

import httpx
from lxml import etree

from ingest.feeds import FeedSpec
from ingest.guard import AddressGuard
from ingest.http import GuardedTransport
from ingest.parse import parse_feed_document
from ingest.poller import Poller, PollResult
from wirewatch.config import HttpSettings, WebSubSettings
from wirewatch.errors import ConfigError, FeedParseError
from wirewatch.logs import mask_userinfo
from wirewatch.metrics import WebSubEvent, emit

__all__ = [
    "Delivery",
    "Inbox",
    "PushFailure",
    "Subscriptions",
    "WebSub",
    "discover_hub",
    "push_result",
    "sign",
    "signature_ok",
    "topic_secret",
]

log = logging.getLogger("wirewatch.websub")

ATOM = "http://www.w3.org/2005/Atom"
#: the head of a document searched for hub and self links: they sit before the items
DISCOVERY_BYTES = 256 * 1024
#: signature methods of the spec (section 7): sha1 is the minimum hubs must support
DIGESTS: dict[str, Callable[[], object]] = {
    "sha1": hashlib.sha1,
    "sha256": hashlib.sha256,
    "sha384": hashlib.sha384,
    "sha512": hashlib.sha512,
}
#: the fraction of a granted lease after which it is renewed
RENEW_AT = 0.8
#: backoff after a failed subscribe request: doubled per failure, capped
RETRY_BASE, RETRY_CAP = 60.0, 3600.0


# --------------------------------------------------------------------------- discovery


def discover_hub(body: bytes, headers: Mapping[str, str], url: str) -> tuple[str, str] | None:
    """``(hub, topic)`` a feed document declares, else None. The ``Link`` header wins over the
    document (the spec's order); the topic is ``rel="self"``, else the URL the feed came from."""
    hub = topic = None
    link_header = headers.get("link")
    if link_header:
        links = httpx.Response(200, headers={"link": link_header}).links
        hub = links.get("hub", {}).get("url")
        topic = links.get("self", {}).get("url")
    if hub is None or topic is None:
        doc_hub, doc_self = _document_links(body)
        hub = hub or doc_hub
        topic = topic or doc_self
    if not hub:
        return None
    hub = urljoin(url, hub.strip())
    topic = urljoin(url, (topic or url).strip())
    if not hub.startswith(("http://", "https://")) or not topic.startswith(("http://", "https://")):
        return None
    return hub, topic


def _document_links(body: bytes) -> tuple[str | None, str | None]:
    """The hub and self links of a feed document's head (Atom ``link`` elements, also inside
    an RSS channel). Entities are not resolved and nothing is fetched: the body is hostile."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, recover=True, huge_tree=False, load_dtd=False
    )
    try:
        root = etree.fromstring(body[:DISCOVERY_BYTES], parser)
    except (etree.XMLSyntaxError, ValueError):
        return None, None
    if root is None:
        return None, None
    # the feed's own links only: children of an Atom feed or of an RSS channel, never an
    # entry's (an entry's rel="self" is not the topic)
    channel = root.find("channel")
    candidates = [*root, *(channel if channel is not None else ())]
    hub = self_ = None
    for el in candidates:
        if el.tag not in (f"{{{ATOM}}}link", "link"):
            continue
        rels = (el.get("rel") or "").lower().split()
        href = (el.get("href") or "").strip()
        if not href:
            continue
        if "hub" in rels and hub is None:
            hub = href
        elif "self" in rels and self_ is None:
            self_ = href
    return hub, self_


# --------------------------------------------------------------------------- signatures


def topic_secret(master: str, topic: str) -> str:
    """The secret sent to the hub of ``topic``: derived from the master secret, one per topic
    (64 hex characters; the spec asks for less than 200 bytes)."""
    return hmac.new(master.encode(), topic.encode("utf-8", "surrogatepass"), "sha256").hexdigest()


def sign(secret: str, body: bytes, method: str = "sha256") -> str:
    """An ``X-Hub-Signature`` value (what a hub sends)."""
    return f"{method}=" + hmac.new(secret.encode(), body, method).hexdigest()


def signature_ok(secret: str, body: bytes, header: str | None) -> Literal["ok", "missing", "bad"]:
    """Whether ``header`` (``method=hexdigest``) signs ``body`` with ``secret``."""
    if not header:
        return "missing"
    method, _, given = header.strip().partition("=")
    method = method.strip().lower()
    if method not in DIGESTS or not given:
        return "bad"
    expected = hmac.new(secret.encode(), body, method).hexdigest()
    return "ok" if hmac.compare_digest(expected, given.strip().lower()) else "bad"


# --------------------------------------------------------------------------- subscriptions


@dataclass
class Subscription:
    feed_id: str
    hub: str
    topic: str
    callback: str
    secret: str
    #: requested: asked, waiting for the hub's verification; live: verified, lease running;
    #: failed: the request or the verification failed (retried at ``retry_at``);
    #: leaving: the feed was removed, an unsubscribe is asked until verified or ``lease_until``
    status: Literal["new", "requested", "live", "failed", "leaving"] = "new"
    requested_at: float = 0.0
    lease_until: float = 0.0
    renew_at: float = 0.0
    failures: int = 0
    retry_at: float = 0.0
    sending: bool = False
    #: a request of ours the hub has not verified yet: only then is a verification answered
    awaiting: bool = False


class Subscriptions:
    """The subscriptions of the feeds this worker owns. Read by the callback server's threads
    (verification, signature secret) and changed by the poll stage: one lock guards it."""

    def __init__(self, settings: WebSubSettings, clock: Callable[[], float] = time.time) -> None:
        if settings.secret is None or not settings.secret.get_secret_value():
            raise ConfigError(
                "websub.enabled needs a secret: set WIREWATCH_WEBSUB__SECRET in the environment"
            )
        self.settings = settings
        self.clock = clock
        self._master = settings.secret.get_secret_value()
        self._lock = threading.Lock()
        self._subs: dict[str, Subscription] = {}
        #: subscriptions of removed feeds, until the hub verifies their unsubscribe
        self._leaving: dict[str, Subscription] = {}
        #: the callback URL without the feed part (set to the bound port when listen_port is 0)
        self.base = settings.callback_base

    def callback_for(self, feed_id: str) -> str:
        return f"{self.base}/{quote(feed_id, safe='')}"

    def get(self, feed_id: str) -> Subscription | None:
        with self._lock:
            return self._subs.get(feed_id)

    def live(self, feed_id: str, now: float | None = None) -> bool:
        now = self.clock() if now is None else now
        with self._lock:
            sub = self._subs.get(feed_id)
            return sub is not None and sub.status == "live" and sub.lease_until > now

    def observe(self, feed_id: str, hub: str, topic: str) -> None:
        """A poll found ``hub`` for the feed: subscribe unless already subscribed there."""
        with self._lock:
            # a feed added again: its unsubscribe, if still unverified, must not be verified
            # after the new subscription (the same callback and topic: the hub would drop it)
            self._leaving.pop(feed_id, None)
            sub = self._subs.get(feed_id)
            if sub is not None and sub.hub == hub and sub.topic == topic:
                return
            self._subs[feed_id] = Subscription(
                feed_id, hub, topic, self.callback_for(feed_id), topic_secret(self._master, topic)
            )

    def forget(self, feed_ids: set[str]) -> None:
        """Feeds this worker no longer owns (another worker subscribes with its callback)."""
        with self._lock:
            for fid in feed_ids:
                self._subs.pop(fid, None)

    def feed_ids(self) -> set[str]:
        with self._lock:
            return set(self._subs)

    def remove(self, feed_ids: set[str]) -> None:
        """Feeds removed from the feed list: unsubscribed at their hub (see :meth:`leaving_due`).
        A subscription never verified is unsubscribed too: the hub may verify it late, or hold
        one from before a restart (a state record names its hub)."""
        now = self.clock()
        with self._lock:
            for fid in feed_ids:
                sub = self._subs.pop(fid, None)
                if sub is None:
                    continue
                self._leaving[fid] = Subscription(
                    fid,
                    sub.hub,
                    sub.topic,
                    sub.callback,
                    sub.secret,
                    status="leaving",
                    # no request after the longest lease the hub may still be keeping
                    lease_until=max(sub.lease_until, now + self.settings.lease_seconds),
                )

    def is_leaving(self, feed_id: str) -> bool:
        with self._lock:
            return feed_id in self._leaving

    def leaving_due(self, now: float) -> list[Subscription]:
        """Unsubscribe requests to send now: new ones, failed ones past their retry time, and
        requests the hub never verified. One whose lease has lapsed is dropped unasked."""
        out = []
        with self._lock:
            for fid, sub in list(self._leaving.items()):
                if sub.sending:
                    continue
                if now >= sub.lease_until:
                    del self._leaving[fid]
                    continue
                if (not sub.awaiting and now >= sub.retry_at) or (
                    sub.awaiting and now - sub.requested_at > self.settings.verify_timeout
                ):
                    sub.sending = True
                    out.append(sub)
        return out

    def unsubscribe_sent(self, sub: Subscription, ok: bool, why: str = "") -> None:
        """The outcome of an unsubscribe request to the hub."""
        now = self.clock()
        with self._lock:
            sub.sending = False
            if self._leaving.get(sub.feed_id) is not sub:
                return  # verified meanwhile, or the feed was added again
            sub.requested_at = now
            if ok:
                sub.awaiting = True
                return
            sub.awaiting = False
            sub.failures += 1
            sub.retry_at = now + min(RETRY_BASE * 2 ** (sub.failures - 1), RETRY_CAP)
        log.warning(
            "websub unsubscribe request failed; asked again later: %s",
            why,
            extra={
                "feed_id": sub.feed_id,
                "url": mask_userinfo(sub.hub),
                "reason": "websub.unsubscribe_failed",
            },
        )

    def due(self, now: float) -> list[Subscription]:
        """Subscriptions to (re)request now: new ones, failed ones past their retry time,
        requests the hub never verified, and live ones past their renewal time."""
        out = []
        with self._lock:
            for sub in self._subs.values():
                if sub.sending:
                    continue
                if (
                    (sub.status == "new")
                    or (sub.status == "failed" and now >= sub.retry_at)
                    or (
                        sub.status == "requested"
                        and now - sub.requested_at > self.settings.verify_timeout
                    )
                    or (
                        sub.status == "live"
                        and now >= sub.renew_at
                        # a renewal sent and not verified yet is asked again only later
                        and (
                            not sub.awaiting
                            or now - sub.requested_at > self.settings.verify_timeout
                        )
                    )
                ):
                    sub.sending = True
                    out.append(sub)
        return out

    def sent(self, sub: Subscription, ok: bool, why: str = "") -> None:
        """The outcome of a subscribe request to the hub."""
        now = self.clock()
        with self._lock:
            sub.sending = False
            if self._subs.get(sub.feed_id) is not sub:
                return  # forgotten (partition revoked) or replaced meanwhile
            if ok:
                if sub.status != "live":
                    sub.status = "requested"
                    sub.awaiting = True
                elif sub.lease_until <= now or sub.renew_at <= now:
                    sub.awaiting = True  # a renewal not verified yet (a hub may verify first)
                sub.requested_at = now
                return
            self._fail(sub, now)
        log.warning(
            "websub subscribe request failed; the feed is polled at its normal interval: %s",
            why,
            extra={
                "feed_id": sub.feed_id,
                "url": mask_userinfo(sub.hub),
                "reason": "websub.subscribe_failed",
            },
        )

    def _fail(self, sub: Subscription, now: float) -> None:
        sub.status = "failed"
        sub.awaiting = False
        sub.failures += 1
        sub.retry_at = now + min(RETRY_BASE * 2 ** (sub.failures - 1), RETRY_CAP)

    def verify(self, feed_id: str, mode: str, topic: str, lease: str | None) -> bool:
        """A verification of intent for ``feed_id``: true only while a subscribe request of
        ours for the same topic waits for it (sent, or being sent: some hubs verify before they
        answer). A verification repeated after that is refused: it could keep a subscription
        the hub dropped looking live, and the feed polled only at the fallback interval."""
        now = self.clock()
        with self._lock:
            if mode == "unsubscribe":
                return self._unsubscribed(feed_id, topic)
            sub = self._subs.get(feed_id)
            if sub is None or sub.topic != topic or mode != "subscribe":
                return False
            if not (sub.awaiting or sub.sending):
                return False
            try:
                granted = float(lease) if lease else float(self.settings.lease_seconds)
            except ValueError:
                return False
            if not 0 < granted < 10 * 365 * 86400:
                return False
            sub.status = "live"
            sub.awaiting = False
            sub.failures = 0
            sub.lease_until = now + granted
            sub.renew_at = now + granted * RENEW_AT
            return True

    def _unsubscribed(self, feed_id: str, topic: str) -> bool:
        """An unsubscribe verification: true only while our unsubscribe request for the topic
        waits for it (a forged one could end a subscription we keep). Caller holds the lock."""
        sub = self._leaving.get(feed_id)
        if sub is None or sub.topic != topic or not (sub.awaiting or sub.sending):
            return False
        del self._leaving[feed_id]
        return True

    def denied(self, feed_id: str, topic: str) -> bool:
        """The hub refused (or ended) the subscription: the feed falls back to polling."""
        now = self.clock()
        with self._lock:
            sub = self._subs.get(feed_id)
            if sub is None or sub.topic != topic:
                return False
            self._fail(sub, now)
            return True

    def secret_of(self, feed_id: str) -> str | None:
        """The secret deliveries for ``feed_id`` are signed with; None: not subscribed here."""
        with self._lock:
            sub = self._subs.get(feed_id)
            return None if sub is None or sub.status == "new" else sub.secret


# --------------------------------------------------------------------------- deliveries


@dataclass
class Delivery:
    feed_id: str
    body: bytes
    content_type: str
    received: float = field(default_factory=time.time)


class Inbox:
    """Verified deliveries waiting for the poll stage: bounded overall and per feed in time
    (a token bucket per feed), filled by the server's threads."""

    def __init__(self, max_pending: int, per_minute: int) -> None:
        self.max_pending = max_pending
        self.per_minute = per_minute
        self._lock = threading.Lock()
        self._queue: deque[Delivery] = deque()
        self._buckets: dict[str, tuple[float, float]] = {}  # feed -> (tokens, at)

    def admit(self, feed_id: str, now: float | None = None) -> bool:
        """Whether one more delivery for ``feed_id`` fits its rate (takes a token)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, at = self._buckets.get(feed_id, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - at) * self.per_minute / 60.0)
            if tokens < 1.0:
                self._buckets[feed_id] = (tokens, now)
                return False
            self._buckets[feed_id] = (tokens - 1.0, now)
            if len(self._buckets) > 10_000:  # a bucket idle for a minute is full again: forget
                self._buckets = {f: b for f, b in self._buckets.items() if now - b[1] < 60.0}
            return True

    def put(self, delivery: Delivery) -> bool:
        with self._lock:
            if len(self._queue) >= self.max_pending:
                return False
            self._queue.append(delivery)
            return True

    def take(self, wanted: Callable[[str], bool]) -> list[Delivery]:
        """The deliveries ``wanted`` says may be handled now; the others stay queued."""
        with self._lock:
            taken = [d for d in self._queue if wanted(d.feed_id)]
            if taken:
                ids = {id(d) for d in taken}
                self._queue = deque(d for d in self._queue if id(d) not in ids)
            return taken

    def drop(self, unwanted: Callable[[str], bool]) -> int:
        with self._lock:
            before = len(self._queue)
            self._queue = deque(d for d in self._queue if not unwanted(d.feed_id))
            return before - len(self._queue)

    def __len__(self) -> int:
        with self._lock:
            return len(self._queue)


@dataclass
class PushFailure:
    """A verified delivery whose document could not be read: a dead letter, not a feed error
    (the feed's polling state is untouched)."""

    feed: FeedSpec
    delivery: Delivery
    reason: str
    message: str
    status: str = "push_error"


def push_result(poller: Poller, feed: FeedSpec, delivery: Delivery) -> PollResult | PushFailure:
    """A pushed document as a poll result of ``feed``: parsed like a polled one and deduplicated
    against the same seen marks. The poll schedule, validators and the document digest stay as
    they are (a hub may push only the new items), and ``parsed`` is left empty so the marks of
    items the pushed document does not list are kept."""
    headers = {"content-type": delivery.content_type}
    try:
        parsed = parse_feed_document(delivery.body, headers, feed, url=feed.url)
    except FeedParseError as exc:
        return PushFailure(feed, delivery, exc.reason, str(exc))
    now = poller.clock()
    state = poller.state_for(feed)
    entries, pending = poller._dedup(feed, parsed.entries, now, state)
    if entries:
        state.last_new_entry = now
    return PollResult(
        feed,
        "new" if entries else "unchanged",
        state,
        entries=entries,
        url=feed.url,
        pending_seen=pending,
    )


# --------------------------------------------------------------------------- the whole


class WebSub:
    """What the poll stage holds: the subscriptions, the inbox, the callback server and the
    client that talks to hubs (through the SSRF guard, like every other request)."""

    def __init__(
        self,
        settings: WebSubSettings,
        http: HttpSettings,
        guard: AddressGuard,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        from ingest.websub_server import CallbackServer

        self.settings = settings
        self.subs = Subscriptions(settings)
        self.inbox = Inbox(settings.max_pending, settings.deliveries_per_minute)
        self.server = CallbackServer(settings, self.subs, self.inbox)
        # no kept-alive connections: a hub is asked once per lease, and a kept connection to
        # a hub that went away would hide that until the next request
        no_keepalive = httpx.Limits(max_connections=10, max_keepalive_connections=0)
        self._http = httpx.AsyncClient(
            transport=transport
            or GuardedTransport(guard, verify=http.verify_tls, limits=no_keepalive),
            limits=no_keepalive,
            headers={"User-Agent": http.user_agent},
            timeout=httpx.Timeout(http.connect_timeout, read=http.read_timeout),
            follow_redirects=False,
            trust_env=False,
        )
        self._guard = guard
        self._tasks: set[asyncio.Task[None]] = set()

    def start(self) -> None:
        self.server.start()
        s = self.settings
        if s.callback_url is None and s.listen_port == 0:  # any free port: say which one
            host = f"[{s.listen_host}]" if ":" in s.listen_host else s.listen_host
            self.subs.base = f"http://{host}:{self.server.port}/websub"

    async def close(self) -> None:
        self.server.stop()
        for task in self._tasks:
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._http.aclose()

    def busy(self) -> bool:
        return bool(self._tasks)

    async def settle(self, timeout: float) -> None:
        """Let subscribe requests in flight progress (the Kafka runner runs the event loop only
        inside the stage's calls)."""
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=timeout)

    def observe(self, result: PollResult) -> None:
        """After a successful poll: the hub the document (or its headers) declares, if any."""
        resp = result.response
        if resp is None or not 200 <= resp.status < 300 or not resp.body:
            return
        sub = self.subs.get(result.feed.feed_id)
        if sub is not None and sub.status in ("requested", "live"):
            return  # the document is not read again while subscribed
        found = discover_hub(resp.body, resp.headers, resp.url)
        if found is not None:
            self.subs.observe(result.feed.feed_id, *found)

    def tick(self) -> None:
        """Send the subscribe requests that are due (new, retried, renewals) and the
        unsubscribe requests of removed feeds."""
        now = self.subs.clock()
        requests = [self._subscribe(sub) for sub in self.subs.due(now)]
        requests += [self._unsubscribe(sub) for sub in self.subs.leaving_due(now)]
        for request in requests:
            task = asyncio.get_running_loop().create_task(request)
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _unsubscribe(self, sub: Subscription) -> None:
        form = {"hub.mode": "unsubscribe", "hub.topic": sub.topic, "hub.callback": sub.callback}
        await self._ask_hub(sub, form, self.subs.unsubscribe_sent)

    async def _subscribe(self, sub: Subscription) -> None:
        form = {
            "hub.mode": "subscribe",
            "hub.topic": sub.topic,
            "hub.callback": sub.callback,
            "hub.lease_seconds": str(self.settings.lease_seconds),
            "hub.secret": sub.secret,
        }
        await self._ask_hub(sub, form, self.subs.sent)

    async def _ask_hub(
        self,
        sub: Subscription,
        form: dict[str, str],
        outcome: Callable[[Subscription, bool, str], None],
    ) -> None:
        """POST ``form`` (a subscribe or unsubscribe request) to the hub, count it by its
        ``hub.mode`` and hand ``outcome`` whether the hub took it (2xx) and why not."""
        mode = form["hub.mode"]
        try:
            await self._guard.check_url(sub.hub)
            resp = await self._http.post(sub.hub, data=form)
            await resp.aclose()
        except Exception as exc:  # any failure to reach the hub: asked again later, polling goes on
            emit(WebSubEvent(mode, "error"))
            outcome(sub, False, f"{type(exc).__name__}: {exc}"[:300])
            return
        if 200 <= resp.status_code < 300:
            emit(WebSubEvent(mode, "requested"))
            outcome(sub, True, "")
        else:
            emit(WebSubEvent(mode, f"http.status.{resp.status_code}"))
            outcome(sub, False, f"HTTP {resp.status_code} from {mask_userinfo(sub.hub)}")
