"""What goes through the chain: :class:`Request` down, :class:`Response` up."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal

import httpx

Purpose = Literal["feed", "article", "robots", "other"]
PeerCheck = Callable[[str, str | None], None]


@dataclass
class Request:
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    purpose: Purpose = "other"
    #: media types whose body is read; a response of any other type comes back without its body
    accept_types: tuple[str, ...] | None = None
    max_body: int | None = None
    peer_check: PeerCheck | None = None


@dataclass
class Response:
    url: str
    status: int
    headers: httpx.Headers
    body: bytes = b""
    history: list[tuple[int, str]] = field(default_factory=list)
    #: final URL when every redirect hop was permanent (301/308), else None
    permanent_url: str | None = None
    peer: str | None = None
    attempts: int = 1

    @property
    def retry_after(self) -> float | None:
        return parse_retry_after(self.headers.get("retry-after"))


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or HTTP-date); None if absent."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


#: the rest of the chain below a layer (the sender at the bottom)
Handler = Callable[[Request], Awaitable[Response]]
