from __future__ import annotations

from dataclasses import replace
from typing import ClassVar, Self
from urllib.parse import urljoin, urlsplit

from ingest.http._layer import LayerSettings
from ingest.http._models import Handler, Request, Response
from wirewatch.errors import FetchError


class Redirects:
    """Follow redirects to a limit; detect loops; drop credentials on cross-origin hops."""

    name: ClassVar[str] = "redirect"
    CODES = frozenset({301, 302, 303, 307, 308})

    def __init__(self, max_redirects: int) -> None:
        self.max_redirects = max_redirects

    @classmethod
    def from_settings(cls, settings: LayerSettings) -> Self:
        return cls(settings.http.max_redirects)

    async def __call__(self, request: Request, call_next: Handler) -> Response:
        history: list[tuple[int, str]] = []
        seen = {request.url}
        current = request
        permanent = True
        while True:
            resp = await call_next(current)
            location = resp.headers.get("location")
            if resp.status not in self.CODES or not location:
                resp.history = history
                if history and permanent:
                    resp.permanent_url = resp.url
                return resp
            permanent = permanent and resp.status in (301, 308)
            history.append((resp.status, current.url))
            target = urljoin(current.url, location.strip())
            if target in seen:
                raise FetchError(f"redirect loop at {target}", reason="http.redirect_loop")
            if len(history) > self.max_redirects:
                raise FetchError(
                    f"more than {self.max_redirects} redirects from {request.url}",
                    reason="http.too_many_redirects",
                )
            seen.add(target)
            headers = dict(current.headers)
            if _origin(target) != _origin(current.url):
                for name in list(headers):
                    if name.lower() in ("authorization", "cookie"):
                        del headers[name]
            current = replace(current, url=target, headers=headers)


def _origin(url: str) -> tuple[str, str]:
    p = urlsplit(url)
    return p.scheme.lower(), p.netloc.lower()
