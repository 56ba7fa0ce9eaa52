"""Listings of posts: an RSS or Atom feed, a sitemap (or sitemap index), or a WordPress export (WXR), read into
entries: each post's URL, its slug, and its content when the listing carries the whole post.

lxml parses them with entities unresolved and no network access, so a hostile file cannot
make it read files or fetch URLs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from translate.errors import InputError

LISTING_KINDS = ("rss", "atom", "sitemap", "sitemap index", "wxr")
_NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
}


@dataclass(frozen=True)
class Entry:
    """One post of a listing."""

    url: str | None
    slug: str
    title: str | None = None
    content: str | None = None  # the whole post as HTML, when the listing carries it
    author: str | None = None
    published: str | None = None


@dataclass(frozen=True)
class Listing:
    kind: str  # one of LISTING_KINDS
    entries: list[Entry]


def looks_like_listing(content: bytes) -> bool:
    """Whether bytes are an XML feed, sitemap or export rather than a page (a cheap look at the root element)."""
    head = content[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not head.startswith(b"<"):
        return False
    return bool(re.search(rb"<(rss|feed|urlset|sitemapindex|rdf:rdf)[\s>]", content[:4096].lower()))


def parse_listing(content: bytes, where: str, base_url: str | None = None) -> Listing:
    """The posts of a feed, sitemap or WXR file; InputError when it is none of them or is not well-formed XML."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False)
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as error:
        raise InputError(f"{where} is not a readable feed, sitemap or WordPress export: {error}") from error
    tag = etree.QName(root).localname.lower()
    if tag == "rss":
        return _rss(root, base_url)
    if tag == "feed":
        return Listing("atom", [_atom_entry(e, base_url) for e in root.findall("atom:entry", _NS)])
    if tag in ("urlset", "sitemapindex"):
        kind = "sitemap" if tag == "urlset" else "sitemap index"
        locations = [(loc.text or "").strip() for loc in root.iter("{%s}loc" % _NS["sm"])]
        return Listing(kind, [Entry(url, slug_of(url)) for url in locations if url])
    raise InputError(
        f"{where} is XML but not a feed, sitemap or WordPress export (its root element is <{tag}>): "
        "give the tool an RSS or Atom feed, a sitemap.xml or a WXR export."
    )


def _text(element, path: str) -> str | None:  # type: ignore[no-untyped-def]
    found = element.find(path, _NS)
    return found.text.strip() if found is not None and found.text and found.text.strip() else None


def _rss(root, base_url: str | None) -> Listing:  # type: ignore[no-untyped-def]
    wp = next((uri for prefix, uri in root.nsmap.items() if prefix == "wp"), None)
    if wp:
        return Listing("wxr", _wxr_entries(root, wp))
    entries = []
    for item in root.iter("item"):
        link = _text(item, "link")
        url = urljoin(base_url or "", link) if link else None
        entries.append(
            Entry(
                url,
                slug_of(url) if url else _slugify(_text(item, "title") or "post"),
                _text(item, "title"),
                _text(item, "content:encoded"),
                _text(item, "dc:creator") or _text(item, "author"),
                _text(item, "pubDate"),
            )
        )
    return Listing("rss", entries)


def _wxr_entries(root, wp: str) -> list[Entry]:  # type: ignore[no-untyped-def]
    """Published posts of a WordPress export (pages, attachments, drafts and menu items left out)."""
    entries = []
    for item in root.iter("item"):
        kind = item.findtext(f"{{{wp}}}post_type")
        status = item.findtext(f"{{{wp}}}status")
        if kind != "post" or status != "publish":
            continue
        link = _text(item, "link")
        slug = (item.findtext(f"{{{wp}}}post_name") or "").strip() or (slug_of(link) if link else "post")
        entries.append(
            Entry(
                link,
                _slugify(unquote(slug)),
                _text(item, "title"),
                _text(item, "content:encoded") or "",
                _text(item, "dc:creator"),
                (item.findtext(f"{{{wp}}}post_date") or "").strip() or _text(item, "pubDate"),
            )
        )
    return entries


def _atom_entry(entry, base_url: str | None) -> Entry:  # type: ignore[no-untyped-def]
    links = entry.findall("atom:link", _NS)
    href = next((link.get("href") for link in links if link.get("rel", "alternate") == "alternate"), None)
    url = urljoin(base_url or "", href) if href else None
    content = entry.find("atom:content", _NS)
    body = content.text.strip() if content is not None and content.text and content.text.strip() else None
    return Entry(
        url,
        slug_of(url) if url else _slugify(_text(entry, "atom:title") or "post"),
        _text(entry, "atom:title"),
        body,
        _text(entry, "atom:author/atom:name"),
        _text(entry, "atom:published") or _text(entry, "atom:updated"),
    )


def slug_of(url: str) -> str:
    """The last part of a URL's path, as a file name: ".../2024/05/min-post/" -> "min-post"; the site root: "index"."""
    parts = _path_parts(url)
    if parts and re.fullmatch(r"index\.\w+", parts[-1]):
        parts.pop()
    return _slugify(re.sub(r"\.(html?|php|aspx?|txt|md|markdown)$", "", parts[-1])) if parts else "index"


def url_folders(url: str) -> list[str]:
    """The folders of a URL's path above its slug, for a mirrored output tree: ".../2024/05/min-post/" -> 2024, 05."""
    parts = _path_parts(url)
    if parts and re.fullmatch(r"index\.\w+", parts[-1]):
        parts.pop()
    return [_slugify(p) for p in parts[:-1]]


def _path_parts(url: str) -> list[str]:
    # "." and ".." are never folders of the output tree: a URL cannot climb out of it.
    return [p for p in PurePosixPath(unquote(urlsplit(url).path)).parts if p not in ("/", ".", "..")]


def _slugify(text: str) -> str:
    """A safe file name: letters (å, ä, ö kept), digits, - and _; never empty, never a path."""
    slug = re.sub(r"[^\w-]+", "-", text.strip().lower()).strip("-.")
    return slug[:120] or "post"
