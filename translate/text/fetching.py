"""Fetching: get a post (or a feed of posts) by URL, with a timeout, bounded redirects, a size limit and the page's
charset, and every failure an InputError that says what went wrong where.

httpx does the HTTP; this module only sets the limits and turns its errors into messages a
user can act on. Nothing here runs unless an input is a URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from translate.errors import InputError
from translate.version import __version__

TIMEOUT_SECONDS = 20.0
MAX_REDIRECTS = 5
MAX_BYTES = 10 * 1024 * 1024  # a blog page is well under 1 MB; a feed of full posts a few
USER_AGENT = f"sv2en-handout/{__version__} (+https://pypi.org/project/sv2en-handout/)"
# What a post or a list of posts can come as.
PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "text/markdown", "text/x-markdown")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml", "application/rdf+xml")
_URL = re.compile(r"^https?://", re.IGNORECASE)


def is_url(text: str) -> bool:
    return bool(_URL.match(text.strip()))


@dataclass(frozen=True)
class Fetched:
    """What a URL gave: the final URL (after redirects), the body, its media type and the charset it declared."""

    url: str
    content: bytes
    media_type: str
    charset: str | None


def fetch(
    url: str, accept: tuple[str, ...] = PAGE_TYPES + FEED_TYPES, timeout: float | None = None, public_only: bool = False
) -> Fetched:
    """GET a URL; InputError for an unreachable server, a timeout, an error status, a type not in ``accept`` or a
    body over MAX_BYTES. ``timeout`` (seconds, for connecting and for each read) defaults to TIMEOUT_SECONDS.

    ``public_only`` (a server fetching for its clients) refuses every address that is not a public one,
    redirects included: loopback, private networks, link-local (cloud metadata services) and the like.
    """
    import httpx

    timeout = TIMEOUT_SECONDS if timeout is None else timeout
    hooks = {"request": [_refuse_private_hosts]} if public_only else {}
    try:
        with httpx.Client(
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            timeout=httpx.Timeout(timeout),
            headers={"User-Agent": USER_AGENT, "Accept": ", ".join(accept) + ";q=0.9, */*;q=0.1"},
            event_hooks=hooks,
        ) as client:
            with client.stream("GET", url) as response:
                if response.status_code >= 400:
                    raise InputError(
                        f"{url}: the server answered {response.status_code} {response.reason_phrase}"
                        + (" (no such page: is the address right?)" if response.status_code in (404, 410) else ".")
                    )
                media_type, charset = _content_type(response.headers.get("content-type", ""))
                if media_type and media_type not in accept:
                    raise InputError(
                        f"{url} is {media_type}, not a web page or a feed: the tool translates HTML, Markdown and "
                        "text pages (save anything else as text first)."
                    )
                limit = MAX_BYTES
                declared = response.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > limit:
                    raise InputError(f"{url} is {int(declared) // 1024} KB, over the limit of {limit // 1024} KB.")
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > limit:
                        raise InputError(f"{url} is over the limit of {limit // 1024} KB; stopped reading.")
                    chunks.append(chunk)
                return Fetched(str(response.url), b"".join(chunks), media_type, charset)
    except httpx.TooManyRedirects as error:
        raise InputError(f"{url}: more than {MAX_REDIRECTS} redirects; the address loops.") from error
    except httpx.TimeoutException as error:
        raise InputError(f"{url}: no answer within {timeout:.0f} s. Try again later, or save the page.") from error
    except httpx.UnsupportedProtocol as error:
        raise InputError(f"{url}: only http:// and https:// addresses can be fetched.") from error
    except httpx.TransportError as error:
        raise InputError(
            f"{url}: could not connect ({error.__class__.__name__}: {error}). Is there a network, and is the "
            "address right? A saved copy of the page works offline."
        ) from error


def _refuse_private_hosts(request: Any) -> None:
    """Before each request (each redirect too): every address the host resolves to must be a public one."""
    import ipaddress
    import socket

    host = request.url.host
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, request.url.port or 443)}
    except OSError as error:
        raise InputError(f"{request.url}: the host {host} cannot be found ({error}).") from error
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if not ip.is_global:
            raise InputError(
                f"{request.url}: {host} is a private, loopback or link-local address ({ip}); this server fetches "
                "public pages only."
            )


def _content_type(header: str) -> tuple[str, str | None]:
    media_type, _, parameters = header.partition(";")
    charset = re.search(r"charset\s*=\s*\"?([\w.:-]+)", parameters, re.IGNORECASE)
    return media_type.strip().lower(), charset.group(1) if charset else None


def format_of(fetched: Fetched) -> str | None:
    """The input format a fetched page is, by its media type (None: let the content decide)."""
    if fetched.media_type in ("text/html", "application/xhtml+xml"):
        return "html"
    if fetched.media_type in ("text/markdown", "text/x-markdown"):
        return "md"
    if fetched.media_type == "text/plain":
        return "txt"
    return None
