"""Logging: one JSON object per line (or escaped text), secrets masked.

Why its own module: log lines carry attacker-controlled text (feed titles, URLs, page content).
In JSON mode every string goes through the JSON encoder, so a newline or an ANSI escape in a
title can never start a forged line or drive a terminal; in text mode the same characters are
backslash-escaped. A handler-level filter replaces the values of secret settings (every
``SecretStr`` in :class:`~wirewatch.config.Settings`) and the credentials of any URL
(``http://user:password@host/`` becomes ``http://***@host/``) wherever they would appear:
message, arguments, ``extra`` fields, tracebacks.

Which format: the ``log_format`` setting or ``--log-format`` when given; otherwise text when
stderr is a terminal (a person is reading) and JSON when it is not (a log collector is). On a
terminal, :class:`ProgressLine` keeps one status line at the bottom, rewritten in place; the
handler clears it before a log line and redraws it after, so the two never garble each other.

Named ``logs`` (not ``logging``) so it never shadows the standard library module.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import threading
import traceback
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, TextIO

from pydantic import BaseModel, SecretStr

__all__ = [
    "JsonFormatter",
    "LibraryTracebackFilter",
    "ProgressLine",
    "SecretMaskingFilter",
    "TextFormatter",
    "log_format_for",
    "mask_userinfo",
    "secret_values",
    "setup_logging",
    "setup_logging_from_settings",
]

#: libraries whose INFO is per-connection or per-request chatter (kafka-python logs every
#: metadata refresh, httpx every request): held at WARNING unless the level is DEBUG
_NOISY_LOGGERS = ("kafka", "httpx", "httpcore")

MASK = "**********"

# attributes every LogRecord has; anything else on a record came from ``extra=``
_RESERVED = frozenset(vars(logging.LogRecord("x", 0, "x", 0, "x", None, None))) | {
    "message",
    "asctime",
    "taskName",
}

# JSON leaves these raw when ensure_ascii=False, yet terminals and line splitters act on them:
# DEL, C1 controls (\x9b is a one-byte CSI), and the Unicode line/paragraph separators.
_UNSAFE_AFTER_JSON = re.compile("[\x7f-\x9f\u2028\u2029]")
# text mode: every control character, plus the same separators
_UNSAFE_TEXT = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_TEXT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

_HANDLER_MARK = "_wirewatch_handler"

# the userinfo of a URL anywhere in a text: ``scheme://user:password@`` (no /, ?, # or space
# before the @, so a path or query containing @ is left alone)
_USERINFO = re.compile(r"\b([A-Za-z][A-Za-z0-9+.\-]*://)[^/?#\s@]+@")
URL_CREDENTIALS_MASK = "***"


def mask_userinfo(text: str) -> str:
    """``text`` with the credentials of every URL in it masked (``http://***@host/``)."""
    if "@" not in text:
        return text
    return _USERINFO.sub(rf"\1{URL_CREDENTIALS_MASK}@", text)


def _escape_u(m: re.Match[str]) -> str:
    return f"\\u{ord(m.group()):04x}"


def _escape_text(s: str) -> str:
    return _UNSAFE_TEXT.sub(lambda m: _TEXT_ESCAPES.get(m.group(), f"\\x{ord(m.group()):02x}"), s)


def _iso(created: float) -> str:
    return (
        datetime.fromtimestamp(created, UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in vars(record).items() if k not in _RESERVED and not k.startswith("_")}


class JsonFormatter(logging.Formatter):
    """``{"ts", "level", "logger", "msg", <extra fields>..., "exc"?}`` on one line.

    Extra fields never overwrite the four base keys (a colliding one is kept as ``extra_<key>``).
    Values JSON cannot encode are written with ``str()``.
    """

    def format(self, record: logging.LogRecord) -> str:
        doc: dict[str, Any] = {
            "ts": _iso(record.created),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in _extras(record).items():
            doc[f"extra_{key}" if key in doc else key] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            doc["exc"] = record.exc_text
        if record.stack_info:
            doc["stack"] = self.formatStack(record.stack_info)
        line = json.dumps(doc, ensure_ascii=False, default=str, separators=(",", ":"))
        return _UNSAFE_AFTER_JSON.sub(_escape_u, line)


class TextFormatter(logging.Formatter):
    """Human-readable single line: ``ts LEVEL logger: msg key=value ...``, controls escaped."""

    def format(self, record: logging.LogRecord) -> str:
        parts = [
            _iso(record.created),
            record.levelname,
            f"{record.name}:",
            _escape_text(record.getMessage()),
        ]
        parts += [f"{k}={_escape_text(str(v))}" for k, v in _extras(record).items()]
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            parts.append("exc=" + _escape_text(record.exc_text))
        return " ".join(parts)


class LibraryTracebackFilter(logging.Filter):
    """A library's logged exception as one line (``ConnectionResetError: [Errno 104] ...``),
    not its traceback: kafka-python logs every connection reset of a broker outage at ERROR
    with the stack, which says nothing an operator can act on. Our own loggers keep theirs
    (a traceback there is a bug report). Attach it to the handler, before secret masking."""

    def __init__(self, libraries: Iterable[str]) -> None:
        super().__init__()
        self._prefixes = tuple(libraries)

    def filter(self, record: logging.LogRecord) -> bool:
        name = record.name
        if record.exc_info and any(name == p or name.startswith(p + ".") for p in self._prefixes):
            exc = record.exc_info[1]
            if exc is not None:
                record.exc_text = "".join(traceback.format_exception_only(exc)).strip()
            record.exc_info = None
        return True


class SecretMaskingFilter(logging.Filter):
    """Replace known secret values, and the credentials of any URL, wherever they occur in a
    record. Attach it to a *handler* (handler filters see records of every logger; logger
    filters only their own)."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        values = sorted({s for s in secrets if s}, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, values))) if values else None

    def _mask(self, s: str) -> str:
        s = mask_userinfo(s)
        return self._pattern.sub(MASK, s) if self._pattern else s

    def _leaks(self, s: str) -> bool:
        return bool(_USERINFO.search(s)) or bool(self._pattern and self._pattern.search(s))

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # bad %-args: leave it to the handler's own error reporting
            return True
        record.msg, record.args = self._mask(message), None
        for key, value in _extras(record).items():
            if isinstance(value, str):
                setattr(record, key, self._mask(value))
            elif not isinstance(value, int | float | bool | type(None)):
                text = str(value)
                if self._leaks(text):  # containers keep their type unless they leak
                    setattr(record, key, self._mask(text))
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._mask(record.exc_text)
        if record.stack_info:
            record.stack_info = self._mask(record.stack_info)
        return True


def secret_values(model: BaseModel) -> list[str]:
    """Every non-empty SecretStr value in a settings model, at any depth."""
    out: list[str] = []
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, SecretStr):
            if value.get_secret_value():
                out.append(value.get_secret_value())
        elif isinstance(value, BaseModel):
            out.extend(secret_values(value))
    return out


def is_terminal(stream: TextIO) -> bool:
    """Whether ``stream`` is a terminal (a person reads it), not a pipe or a file."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or closed
        return False


def log_format_for(stream: TextIO, chosen: str | None = None) -> str:
    """``chosen`` ("json"/"text") when given; else "text" on a terminal and "json" elsewhere."""
    if chosen is not None:
        return chosen
    return "text" if is_terminal(stream) else "json"


class _ConsoleHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """A stream handler that moves a :class:`ProgressLine` on its stream out of the way of
    each record: cleared before, drawn again after."""

    progress: ProgressLine | None = None

    def emit(self, record: logging.LogRecord) -> None:
        progress = self.progress
        if progress is None:
            super().emit(record)
            return
        progress.erase()
        super().emit(record)
        progress.redraw()


class ProgressLine:
    """One status line on a terminal, rewritten in place (carriage return, erase line).

    ``attach()`` it to the handler :func:`setup_logging` installed on the same stream, so log
    lines print above it instead of through it. Writes hold the handler's lock: log records may
    come from other threads.
    """

    _ERASE = "\r\x1b[K"

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.text = ""
        self._shown = False
        self._lock: Any = threading.RLock()
        self._handler: _ConsoleHandler | None = None

    def attach(self, handler: logging.Handler | None) -> ProgressLine:
        if isinstance(handler, _ConsoleHandler) and handler.stream is self.stream:
            self._handler = handler
            handler.progress = self
            if handler.lock is not None:
                self._lock = handler.lock
        return self

    def update(self, text: str) -> None:
        """Show ``text`` (control characters escaped, one line) in place of the last one; cut
        to the terminal's width, since a wrapped line could not be erased in place."""
        text = _escape_text(text)
        width = self._width()
        if width is not None and len(text) >= width:
            text = text[: max(0, width - 2)] + "…"
        with self._lock:
            if text == self.text and self._shown:
                return
            self.text = text
            self._write(self._ERASE + text)
            self._shown = True

    def erase(self) -> None:
        with self._lock:
            if self._shown:
                self._write(self._ERASE)
                self._shown = False

    def redraw(self) -> None:
        with self._lock:
            if self.text and not self._shown:
                self._write(self.text)
                self._shown = True

    def close(self) -> None:
        """Remove the line (the caller prints its summary instead) and detach."""
        self.erase()
        self.text = ""
        if self._handler is not None and self._handler.progress is self:
            self._handler.progress = None
        self._handler = None

    def _width(self) -> int | None:
        try:
            return os.get_terminal_size(self.stream.fileno()).columns or None
        except (AttributeError, OSError, ValueError):  # not a terminal (tests), or closed
            return None

    def _write(self, s: str) -> None:
        try:
            self.stream.write(s)
            self.stream.flush()
        except (OSError, ValueError):  # the terminal went away: the line is cosmetic
            pass


def setup_logging(
    level: str = "INFO",
    fmt: str = "json",
    *,
    secrets: Iterable[str] = (),
    stream: TextIO | None = None,
) -> logging.Handler:
    """Configure the root logger: one handler on ``stream`` (stderr), ``fmt`` "json" or "text".

    Idempotent: a handler installed by an earlier call is replaced, other handlers (pytest's
    capture, for one) are left alone. kafka-python's, httpx's and httpcore's loggers are held at
    WARNING unless ``level`` is DEBUG: at INFO they log every connection, metadata refresh and
    HTTP request; their exceptions are logged as one line, not a traceback, unless DEBUG.
    """
    if fmt not in ("json", "text"):
        raise ValueError(f"unknown log format {fmt!r}; expected 'json' or 'text'")
    root = logging.getLogger()
    for h in list(root.handlers):
        if getattr(h, _HANDLER_MARK, False):
            root.removeHandler(h)
            h.close()
    handler = _ConsoleHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    if level.upper() != "DEBUG":
        handler.addFilter(LibraryTracebackFilter(_NOISY_LOGGERS))
    handler.addFilter(SecretMaskingFilter(secrets))
    setattr(handler, _HANDLER_MARK, True)
    root.addHandler(handler)
    root.setLevel(level.upper())
    quiet = logging.DEBUG if level.upper() == "DEBUG" else logging.WARNING
    for name in _NOISY_LOGGERS:
        logging.getLogger(name).setLevel(quiet)
    logging.captureWarnings(True)
    return handler


def setup_logging_from_settings(settings: Any, *, stream: TextIO | None = None) -> logging.Handler:
    """:func:`setup_logging` with ``settings.log_level`` and every secret of ``settings``
    masked; the format is ``settings.log_format``, where "auto" (the default) is
    :func:`log_format_for` the stream: text on a terminal, else JSON."""
    out = stream if stream is not None else sys.stderr
    chosen = None if settings.log_format == "auto" else settings.log_format
    return setup_logging(
        settings.log_level,
        log_format_for(out, chosen),
        secrets=secret_values(settings),
        stream=out,
    )
