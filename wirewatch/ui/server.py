"""The ``wirewatch ui`` HTTP server: the static page plus a small JSON API over one JSONL file.

Routes (GET only):

- ``/`` and ``/static/<name>``: the page, its script and style, the vendored basemap.
- ``/feeds`` and ``/api/health``: the feed-health page and its data (:mod:`wirewatch.ui.health`).
- ``/api/records?generation=G&since=N``: records appended since cursor ``N``; the page polls it.
  A file that shrank or was replaced starts a new generation and the page reloads from 0.
- ``/api/export.geojson`` and ``/api/export.csv`` with the page's filters (:class:`Selection`:
  ``type=`` repeated, ``country``, ``from``, ``to``, ``min_fatalities``, ``source``; absent:
  no restriction): the latest version of each selected incident.

The file is read incrementally and only up to its last newline, so a line being written is
picked up on the next poll, not half-parsed. A line that is not a JSON object with an
``incident_id`` (incidents) or ``event_id`` (events) and an ``event_type`` is skipped, logged and
counted (shown on the page).
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from wirewatch.ui.health import EmbeddedHealth, KafkaHealth

log = logging.getLogger("wirewatch.ui")

__all__ = [
    "STATIC_FILES",
    "EventStore",
    "JsonlEventStore",
    "Selection",
    "make_server",
    "select_features",
    "to_csv",
]

# name -> content type; only these are served, so no request path reaches the file system
STATIC_FILES: dict[str, str] = {
    "index.html": "text/html; charset=utf-8",
    "feeds.html": "text/html; charset=utf-8",
    "feeds.js": "text/javascript; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
    "topojson-client.min.js": "text/javascript; charset=utf-8",
    "countries-110m.json": "application/json",
    "world-atlas.LICENSE": "text/plain; charset=utf-8",
    "topojson-client.LICENSE": "text/plain; charset=utf-8",
}

# the page may load only what this server serves: a stray external URL fails loudly in testing
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)

CSV_COLUMNS = (
    "id",
    "date",
    "event_type",
    "sub_event_type",
    "country",
    "place",
    "precision",
    "lat",
    "lon",
    "fatalities",
    "injured",
    "actors",
    "sources",
    "evidence",
)


class EventStore:
    """Records as they arrive: ``log`` keeps every valid one in arrival order (the page dedupes
    by ``incident_id``, as a reader of the compacted topic would); ``latest`` keeps the last
    version of each incident for exports. Subclasses feed ``_take`` and may override
    ``refresh``."""

    def __init__(self) -> None:
        self.generation = 0
        self.skipped = 0
        self.problem: str | None = None  # shown on the page: why no records arrive
        self.log: list[dict[str, Any]] = []
        self.latest: dict[str, dict[str, Any]] = {}
        self.articles: dict[str, dict[str, str | None]] = {}  # article_id -> url, title
        # incident_id -> evidence sentence, for events (which carry incident ids, not evidence)
        self.evidence: dict[str, str] = {}
        self._lock = threading.Lock()

    @property
    def source(self) -> str | None:
        raise NotImplementedError

    def refresh(self) -> None:
        """Take what arrived since the last call (a reader that pushes has nothing to do)."""

    def close(self) -> None:
        """Stop reading."""

    def _reset(self) -> None:
        self.generation += 1
        self.skipped = 0
        self.log = []
        self.latest = {}

    def _take_value(self, rec: Any, where: str) -> None:
        if not isinstance(rec, dict):
            self._skip(where, "not a JSON object")
            return
        rid = record_id(rec)
        if rid is None or not isinstance(rec.get("event_type"), str):
            self._skip(where, "no incident_id / event_id or no event_type")
            return
        self.log.append(rec)
        self.latest[rid] = rec

    def _take(self, raw: bytes, where: str) -> None:
        if not raw.strip():
            return
        try:
            rec = json.loads(raw)
        except ValueError as exc:
            self._skip(where, f"not JSON ({exc.__class__.__name__})")
            return
        self._take_value(rec, where)

    def _take_evidence(self, raw: bytes) -> None:
        # the incidents behind the events: a line that is not usable only loses its sentence
        try:
            rec = json.loads(raw)
        except ValueError:
            return
        if isinstance(rec, dict) and isinstance(rec.get("incident_id"), str):
            ev = rec.get("evidence")
            if isinstance(ev, dict) and isinstance(ev.get("text"), str):
                self.evidence[rec["incident_id"]] = ev["text"]

    def _skip(self, where: str, why: str) -> None:
        self.skipped += 1
        log.warning("%s skipped: %s", where, why)

    def since(self, generation: int, cursor: int) -> dict[str, Any]:
        self.refresh()
        with self._lock:
            if generation != self.generation or cursor < 0 or cursor > len(self.log):
                cursor = 0
            records = self.log[cursor:]
            articles = {
                aid: self.articles[aid]
                for r in records
                for aid in _ids(r, "article_id", "article_ids")
                if aid in self.articles
            }
            evidence = {
                iid: self.evidence[iid]
                for r in records
                if "event_id" in r
                for iid in _ids(r, "incident_id", "incident_ids")
                if iid in self.evidence
            }
            return {
                "generation": self.generation,
                "cursor": len(self.log),
                "records": records,
                "articles": articles,
                "evidence": evidence,
                "skipped": self.skipped,
                "source": self.source,
                "problem": self.problem,
            }

    def selected(self, selection: Selection) -> list[dict[str, Any]]:
        self.refresh()
        with self._lock:
            return [r for r in self.latest.values() if selection.matches(r)]


def _ids(rec: dict[str, Any], one: str, many: str) -> list[str]:
    v = rec.get(one)
    if isinstance(v, str):
        return [v]
    vs = rec.get(many)
    return [x for x in vs if isinstance(x, str)] if isinstance(vs, list) else []


class _JsonlTail:
    """Complete lines appended to one file since the last read; a file that shrank or was
    replaced is read again from its start."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._inode: int | None = None
        self._offset = 0
        self.line_no = 0

    def read(self) -> tuple[bool, list[bytes]]:
        """(whether the file restarted, the new lines)."""
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return False, []
        restarted = False
        if st.st_ino != self._inode or st.st_size < self._offset:
            if self._inode is not None:
                log.info("%s was replaced or truncated; reading it again", self.path)
                restarted = True
            self._inode, self._offset, self.line_no = st.st_ino, 0, 0
        if st.st_size == self._offset:
            return restarted, []
        with self.path.open("rb") as fh:
            fh.seek(self._offset)
            chunk = fh.read(st.st_size - self._offset)
        end = chunk.rfind(b"\n") + 1  # an unterminated tail waits for the next read
        self._offset += end
        return restarted, chunk[:end].splitlines()


class JsonlEventStore(EventStore):
    """The records of the first existing file of ``candidates`` in ``directory``, read as it
    grows, up to its last newline. With ``articles_file``, the url and title of each article
    too, so the page can link an incident to the article it came from."""

    def __init__(
        self,
        directory: Path,
        candidates: Iterable[str],
        articles_file: str | None = None,
        incidents_file: str | None = None,
    ) -> None:
        super().__init__()
        self.directory = Path(directory)
        self.candidates = tuple(candidates)
        self._tail: _JsonlTail | None = None
        self._articles_tail = _JsonlTail(self.directory / articles_file) if articles_file else None
        self._incidents_file = incidents_file
        self._evidence_tail: _JsonlTail | None = None

    @property
    def source(self) -> str | None:
        return self._tail.path.name if self._tail else None

    def refresh(self) -> None:
        with self._lock:
            if self._articles_tail is not None:
                restarted, lines = self._articles_tail.read()
                if restarted:
                    self.articles = {}
                for raw in lines:
                    self._take_article(raw)
            if self._tail is None:
                # the first candidate that holds something (an empty events file: incidents)
                last = len(self.candidates) - 1
                path = next(
                    (
                        self.directory / name
                        for n, name in enumerate(self.candidates)
                        if (self.directory / name).exists()
                        and (n == last or (self.directory / name).stat().st_size > 0)
                    ),
                    None,
                )
                if path is None:
                    return
                log.info("reading %s", path)
                self._tail = _JsonlTail(path)
                if self._incidents_file and path.name != self._incidents_file:
                    self._evidence_tail = _JsonlTail(self.directory / self._incidents_file)
            if self._evidence_tail is not None:
                restarted, lines = self._evidence_tail.read()
                if restarted:
                    self.evidence = {}
                for raw in lines:
                    self._take_evidence(raw)
            restarted, lines = self._tail.read()
            if restarted:
                self._reset()
            for raw in lines:
                self._tail.line_no += 1
                self._take(raw, f"{self._tail.path} line {self._tail.line_no}")

    def _take_article(self, raw: bytes) -> None:
        # not this viewer's records: a line that is not a usable article only loses its link
        try:
            rec = json.loads(raw)
        except ValueError:
            return
        if isinstance(rec, dict) and isinstance(rec.get("article_id"), str):
            url = rec.get("final_url") or rec.get("url")
            if isinstance(url, str):
                title = rec.get("title")
                self.articles[rec["article_id"]] = {
                    "url": url,
                    "title": title if isinstance(title, str) else None,
                }


@dataclass(frozen=True)
class Selection:
    """The page's filters, as the export links carry them (absent: no restriction)."""

    types: frozenset[str] | None = None
    country: str | None = None
    date_from: str | None = None  # YYYY-MM-DD, inclusive
    date_to: str | None = None
    min_fatalities: int | None = None
    source: str | None = None

    @classmethod
    def from_query(cls, query: dict[str, list[str]]) -> Selection:
        """Raises ValueError with a one-line message for a malformed value."""

        def one(name: str) -> str | None:
            v = query.get(name, [""])[-1].strip()
            return v or None

        for name in ("from", "to"):
            v = one(name)
            if v is not None and not _DATE.fullmatch(v):
                raise ValueError(f"{name} must be a date YYYY-MM-DD, got {v!r}")
        raw_min = one("min_fatalities")
        if raw_min is not None and not raw_min.isdigit():
            raise ValueError(f"min_fatalities must be a whole number >= 0, got {raw_min!r}")
        return cls(
            types=frozenset(query["type"]) if "type" in query else None,
            country=one("country"),
            date_from=one("from"),
            date_to=one("to"),
            min_fatalities=int(raw_min) if raw_min is not None else None,
            source=one("source"),
        )

    def matches(self, rec: dict[str, Any]) -> bool:
        if self.types is not None and rec.get("event_type") not in self.types:
            return False
        if self.country is not None and _location(rec).get("country") != self.country:
            return False
        date = record_date(rec)
        if self.date_from is not None and not (isinstance(date, str) and date >= self.date_from):
            return False
        if self.date_to is not None and not (isinstance(date, str) and date <= self.date_to):
            return False
        if self.min_fatalities is not None:
            killed = _killed(rec)
            if killed is None or killed < self.min_fatalities:
                return False
        return self.source is None or self.source in (rec.get("sources") or [])


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def record_id(rec: dict[str, Any]) -> str | None:
    """An incident's ``incident_id``, an event's ``event_id``."""
    for key in ("incident_id", "event_id"):
        v = rec.get(key)
        if isinstance(v, str):
            return v
    return None


def record_date(rec: dict[str, Any]) -> str | None:
    """An incident's ``date``; an event's ``last_date``, else its ``first_date``."""
    for key in ("date", "last_date", "first_date"):
        v = rec.get(key)
        if isinstance(v, str):
            return v
    return None


def _killed(rec: dict[str, Any]) -> int | None:
    """Deaths stated, else the lower bound of a vague count, else unknown (None)."""
    for key in ("fatalities", "fatalities_min"):
        v = rec.get(key)
        if isinstance(v, int):
            return v
    return None


def _location(rec: dict[str, Any]) -> dict[str, Any]:
    loc = rec.get("location")
    return loc if isinstance(loc, dict) else {}


def _coords(rec: dict[str, Any]) -> tuple[float, float] | None:
    loc = _location(rec)
    lat, lon = loc.get("lat"), loc.get("lon")
    if isinstance(lat, int | float) and isinstance(lon, int | float):
        return float(lon), float(lat)
    return None


def select_features(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """RFC 7946 FeatureCollection; an incident without coordinates keeps a null geometry."""
    features = []
    for rec in records:
        xy = _coords(rec)
        features.append(
            {
                "type": "Feature",
                "id": record_id(rec),
                "geometry": {"type": "Point", "coordinates": list(xy)} if xy else None,
                "properties": rec,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def to_csv(records: Iterable[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for rec in records:
        loc = _location(rec)
        evidence = rec.get("evidence")
        actors = rec.get("actors") or []
        writer.writerow(
            [
                record_id(rec),
                record_date(rec) or "",
                rec.get("event_type"),
                rec.get("sub_event_type") or "",
                loc.get("country") or "",
                loc.get("name") or "",
                loc.get("precision") or "",
                "" if loc.get("lat") is None else loc["lat"],
                "" if loc.get("lon") is None else loc["lon"],
                "" if rec.get("fatalities") is None else rec["fatalities"],
                "" if rec.get("injured") is None else rec["injured"],
                "; ".join(str(a.get("name")) for a in actors if isinstance(a, dict)),
                "; ".join(str(s) for s in rec.get("sources") or []),
                evidence.get("text", "") if isinstance(evidence, dict) else "",
            ]
        )
    return out.getvalue()


class _Handler(BaseHTTPRequestHandler):
    server: _UiServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str,
        *,
        extra: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: HTTPStatus, message: str) -> None:
        self._send(status, (message + "\n").encode(), "text/plain; charset=utf-8")

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = parse_qs(url.query, keep_blank_values=True)
        path = url.path
        if path == "/":
            path = "/static/index.html"
        elif path == "/feeds":
            path = "/static/feeds.html"
        if path.startswith("/static/"):
            name = path.removeprefix("/static/")
            if name not in STATIC_FILES:
                self._error(HTTPStatus.NOT_FOUND, f"not found: {path}")
                return
            body = resources.files("wirewatch.ui").joinpath("static", name).read_bytes()
            self._send(HTTPStatus.OK, body, STATIC_FILES[name])
            return
        store = self.server.store
        if path == "/api/records":
            try:
                generation = int(query.get("generation", ["-1"])[0])
                since = int(query.get("since", ["0"])[0])
            except ValueError:
                self._error(HTTPStatus.BAD_REQUEST, "generation and since must be integers")
                return
            self._json(store.since(generation, since))
            return
        if path == "/api/health":
            health = self.server.health
            if health is None:
                self._json({"problem": "feed health is read from the embedded files (--from)"})
            else:
                self._json(health.snapshot())
            return
        if path in ("/api/export.geojson", "/api/export.csv"):
            try:
                selection = Selection.from_query(query)
            except ValueError as exc:
                self._error(HTTPStatus.BAD_REQUEST, str(exc))
                return
            records = store.selected(selection)
            if path.endswith(".geojson"):
                body = json.dumps(select_features(records), ensure_ascii=False).encode()
                self._send(
                    HTTPStatus.OK,
                    body,
                    "application/geo+json",
                    extra={"Content-Disposition": 'attachment; filename="incidents.geojson"'},
                )
            else:
                self._send(
                    HTTPStatus.OK,
                    to_csv(records).encode(),
                    "text/csv; charset=utf-8",
                    extra={"Content-Disposition": 'attachment; filename="incidents.csv"'},
                )
            return
        self._error(HTTPStatus.NOT_FOUND, f"not found: {path}")

    def _json(self, payload: Any) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode()
        self._send(HTTPStatus.OK, body, "application/json")


class _UiServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        store: EventStore,
        health: EmbeddedHealth | KafkaHealth | None,
    ) -> None:
        self.store = store
        self.health = health
        super().__init__(address, _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}/"

    def server_close(self) -> None:
        super().server_close()
        self.store.close()


def make_server(
    store: EventStore, host: str, port: int, health: EmbeddedHealth | KafkaHealth | None = None
) -> _UiServer:
    """Bind (port 0: any free port; ``.url`` tells which); ``serve_forever()`` to run."""
    store.refresh()
    return _UiServer((host, port), store, health)
