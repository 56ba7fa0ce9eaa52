"""Posts where they live: `translate run URL`, and `translate batch` over feeds, sitemaps and WordPress exports,
against a local HTTP server on 127.0.0.1 (nothing here reaches the internet), every error path included.

The posts served are real: the shared sample post (tests/data/real_post_sv.txt) as plain text,
and saved pages of real sites from tests/realpages/ as HTML. The listings around them (RSS,
Atom, sitemaps, a WXR export) are written here, in the forms those formats take.
"""

from __future__ import annotations

import http.server
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from translate.errors import InputError
from translate.text import fetching
from translate.text.feeds import looks_like_listing, parse_listing, slug_of, url_folders

DATA = Path(__file__).parent / "data"
REAL_PAGES = Path(__file__).parent / "realpages" / "pages"
# Where the real saved pages stand on the local server: their sites' own paths.
SAVED_PAGES = {"/foreningen/historia/": "rr-historia.html", "/danskurser/kursoversikt/bugg/": "rr-bugg.html"}
REAL_POST = (DATA / "real_post_sv.txt").read_bytes()
HTML_POST = (Path(__file__).parent / "corpus" / "posts" / "17_wp_selfhosted_sv.txt").read_text(encoding="utf-8")
PAGE = (
    "<!DOCTYPE html><html lang='sv'><head><meta charset='utf-8'><title>Om samverkan</title>"
    "<meta name='author' content='Anna Lindqvist'><meta property='article:published_time' content='2024-05-12'>"
    "</head><body><article><h1>Om samverkan</h1>"
    + "".join(f"<p>{p}</p>" for p in REAL_POST.decode("utf-8").split("\n\n")[1:4])
    + "</article></body></html>"
).encode("utf-8")


def _rss(base: str) -> bytes:
    body = REAL_POST.decode("utf-8").split("\n\n")[1]
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Bloggen</title><link>{base}/</link><description>Inlägg</description>
<item><title>Om samverkan</title><link>{base}/2024/05/om-samverkan/</link><dc:creator>Anna</dc:creator>
<pubDate>Sun, 12 May 2024 10:00:00 +0000</pubDate><description>En kort ingress …</description></item>
<item><title>Energi för alla</title><link>{base}/2024/06/energi-for-alla/</link>
<content:encoded><![CDATA[<p>{body}</p>]]></content:encoded></item>
</channel></rss>""".encode()


def _sitemap(base: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{base}/2024/05/om-samverkan/</loc></url><url><loc>{base}/post.txt</loc></url>
<url><loc>{base}/borta/</loc></url></urlset>""".encode()


def _routes(base: str) -> dict[str, tuple[int, str, bytes]]:
    return {
        "/post.txt": (200, "text/plain; charset=utf-8", REAL_POST),
        "/2024/05/om-samverkan/": (200, "text/html; charset=ISO-8859-1", PAGE),  # wrongly declared: it is UTF-8
        "/feed.xml": (200, "application/rss+xml", _rss(base)),
        "/atom.xml": (200, "application/atom+xml", _atom(base)),
        "/sitemap.xml": (200, "application/xml", _sitemap(base)),
        "/sitemap-index.xml": (
            200,
            "application/xml",
            f"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{base}/sitemap.xml</loc></sitemap></sitemapindex>""".encode(),
        ),
        **{
            path: (200, "text/html; charset=utf-8", (REAL_PAGES / page).read_bytes())
            for path, page in SAVED_PAGES.items()
        },
        "/sitemap-saved.xml": (
            200,
            "application/xml",
            (
                '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                + "".join(f"<url><loc>{base}{path}</loc></url>" for path in SAVED_PAGES)
                + "</urlset>"
            ).encode(),
        ),
        "/bild.png": (200, "image/png", b"\x89PNG\r\n\x1a\n" + bytes(100)),
        "/tom/": (200, "text/html", b""),
    }


def _atom(base: str) -> bytes:
    body = REAL_POST.decode("utf-8").split("\n\n")[2]
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Bloggen</title>
<entry><title>Smarta elnät</title><link rel="alternate" href="{base}/2024/07/smarta-elnat/"/>
<author><name>Erik</name></author><published>2024-07-01T08:00:00Z</published>
<content type="html">&lt;p&gt;{body}&lt;/p&gt;</content></entry></feed>""".encode()


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, str, bytes]] = {}

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        if self.path == "/flytta":
            self.send_response(301)
            self.send_header("Location", "/2024/05/om-samverkan/")
            self.end_headers()
            return
        if self.path == "/snurra":
            self.send_response(302)
            self.send_header("Location", "/snurra")
            self.end_headers()
            return
        if self.path == "/seg":
            time.sleep(1.5)
        if self.path == "/stor":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(50_000))
            self.end_headers()
            self.wfile.write(b"<p>" + b"a" * 49_990 + b"</p>")
            return
        status, kind, body = self.routes.get(self.path, (404, "text/html", b"<h1>Hittades inte</h1>"))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return None


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        # The size and timeout tests hang up on purpose; the handler's broken pipe is expected.
        return None


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = _Server(("127.0.0.1", 0), _Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    _Handler.routes = _routes(base)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    server.server_close()


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- translate run URL ---------------------------------------------------------------------------


def test_run_fetches_a_page_and_names_it_in_the_footer(cli, site: str, fake_config: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    result = cli("run", f"{site}/flytta", "--config", fake_config, "-s", "extractive", "-f", "json", "-o", out, "-q")
    assert result.exit_code == 0, result.output
    handout = json.loads(out.read_text(encoding="utf-8"))
    assert handout["origin"]["url"] == f"{site}/2024/05/om-samverkan/"  # after the redirect
    assert handout["origin"]["author"] == "Anna Lindqvist" and handout["origin"]["published"].startswith("2024-05-12")
    sources = " ".join(s["source"] for p in handout["paragraphs"] for s in p["sentences"])
    assert "förnybar energi" in sources  # declared ISO-8859-1, but UTF-8: decoded right
    html = cli("run", f"{site}/2024/05/om-samverkan/", "--config", fake_config, "-s", "none", "-o", "-", "-q")
    assert f"Source: {site}/2024/05/om-samverkan/" in html.stdout and "by Anna Lindqvist" in html.stdout


def test_a_real_page_fetched_is_cleaned_as_its_saved_copy(cli, site: str) -> None:
    for path, page in SAVED_PAGES.items():
        fetched = json.loads(cli("clean", f"{site}{path}", "-f", "json").stdout)
        saved = json.loads(cli("clean", REAL_PAGES / page, "-f", "json").stdout)
        assert fetched["title"] == saved["title"] and fetched["paragraphs"] == saved["paragraphs"]
        assert fetched["read_with"] == "page landmarks (<main>)"
        assert len(fetched["paragraphs"]) >= 8


def test_batch_over_a_sitemap_of_real_pages(cli, site: str, fake_config: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = _batch(cli, fake_config, out, f"{site}/sitemap-saved.xml")
    assert result.exit_code == 0, result.output
    handouts = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.json"))
    handouts = [h for h in handouts if not h.startswith(".handout-state/") and h != "batch-report.json"]
    assert handouts == ["danskurser/kursoversikt/bugg.json", "foreningen/historia.json"]
    bugg = json.loads((out / "danskurser/kursoversikt/bugg.json").read_text(encoding="utf-8"))
    assert bugg["title"]["source"] == "Bugg med fart, rytm och improvisation"
    assert bugg["origin"]["url"] == f"{site}/danskurser/kursoversikt/bugg/"


def test_run_names_the_handout_after_the_slug(cli, site: str, fake_config: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    result = cli("run", f"{site}/post.txt", "--config", fake_config, "-s", "none", "-q")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "post.handout.html").is_file()


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/borta/", "the server answered 404"),
        ("/bild.png", "is image/png, not a web page"),
        ("/snurra", "redirects; the address loops"),
        ("/tom/", "is empty"),
    ],
)
def test_run_says_why_a_url_cannot_be_had(cli, site: str, fake_config: Path, path: str, message: str) -> None:
    result = cli("run", f"{site}{path}", "--config", fake_config, "-s", "none", "-o", "-")
    assert result.exit_code == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_a_slow_server_times_out_and_a_big_page_is_refused(site: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetching, "TIMEOUT_SECONDS", 0.3)
    with pytest.raises(InputError, match="no answer within"):
        fetching.fetch(f"{site}/seg")
    monkeypatch.setattr(fetching, "MAX_BYTES", 10_000)
    with pytest.raises(InputError, match="over the limit"):
        fetching.fetch(f"{site}/stor")


def test_no_server_is_a_clear_error(cli, closed_port: int, fake_config: Path) -> None:
    result = cli("run", f"http://127.0.0.1:{closed_port}/inlagg/", "--config", fake_config, "-s", "none", "-o", "-")
    assert result.exit_code == 2 and "could not connect" in result.stderr and "saved copy" in result.stderr


# --- translate batch over listings -------------------------------------------------------------------


def _batch(cli, fake_config: Path, out: Path, *inputs: str):  # type: ignore[no-untyped-def]
    return cli("batch", *inputs, "-o", out, "--config", fake_config, "-s", "none", "-f", "json", "--no-memory", "-q")


def test_batch_translates_every_post_of_a_feed_into_a_mirrored_tree(
    cli, site: str, fake_config: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    result = _batch(cli, fake_config, out, f"{site}/feed.xml")
    assert result.exit_code == 0, result.output
    linked = json.loads((out / "2024" / "05" / "om-samverkan.json").read_text(encoding="utf-8"))
    embedded = json.loads((out / "2024" / "06" / "energi-for-alla.json").read_text(encoding="utf-8"))
    assert linked["origin"]["author"] == "Anna" and "förnybar energi" in json.dumps(linked, ensure_ascii=False)
    assert embedded["origin"]["url"] == f"{site}/2024/06/energi-for-alla/" and embedded["paragraphs"]
    again = _batch(cli, fake_config, out, f"{site}/feed.xml")  # resumable: nothing left to do
    report = json.loads((out / "batch-report.json").read_text(encoding="utf-8"))
    assert again.exit_code == 0 and report["totals"]["skipped"] == 2


def test_batch_over_a_sitemap_index_fails_a_missing_post_alone(
    cli, site: str, fake_config: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    _batch(cli, fake_config, out, f"{site}/sitemap-index.xml")
    report = json.loads((out / "batch-report.json").read_text(encoding="utf-8"))
    assert report["totals"]["done"] == 2 and report["totals"]["failed"] == 1
    [failed] = [f for f in report["files"] if f["status"] == "failed"]
    assert failed["input"] == f"{site}/borta/" and "404" in failed["error"]
    assert (out / "post.json").is_file() and (out / "2024" / "05" / "om-samverkan.json").is_file()


def test_batch_takes_an_atom_feed_and_a_wordpress_export(cli, site: str, fake_config: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    body = REAL_POST.decode("utf-8").split("\n\n")[3]
    export = tmp_path / "bloggen.WordPress.2024-08-01.xml"
    items = "".join(
        f"""<item><title>{title}</title><link>https://blogg.example/{slug}/</link><dc:creator>anna</dc:creator>
<content:encoded><![CDATA[<p>{body}</p>]]></content:encoded><wp:post_name>{slug}</wp:post_name>
<wp:post_date>2024-08-01 09:00:00</wp:post_date><wp:status>{status}</wp:status>
<wp:post_type>{kind}</wp:post_type></item>"""
        for title, slug, status, kind in [
            ("Publicerat", "publicerat", "publish", "post"),
            ("Utkast", "utkast", "draft", "post"),
            ("Om oss", "om-oss", "publish", "page"),
        ]
    )
    export.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/'
        'content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">'
        f"<channel><title>Bloggen</title>{items}</channel></rss>",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = _batch(cli, fake_config, out, str(export), f"{site}/atom.xml")
    assert result.exit_code == 0, result.output
    written = sorted(str(p.relative_to(out)) for p in out.rglob("*.json") if p.name != "batch-report.json")
    assert [w for w in written if not w.startswith(".")] == ["2024/07/smarta-elnat.json", "publicerat.json"]
    post = json.loads((out / "publicerat.json").read_text(encoding="utf-8"))
    assert post["origin"] == {
        "url": "https://blogg.example/publicerat/",
        "author": "anna",
        "published": "2024-08-01 09:00:00",
    }


def test_an_unreachable_feed_fails_the_batch_with_its_reason(
    cli, fake_config: Path, tmp_path: Path, closed_port: int
) -> None:  # type: ignore[no-untyped-def]
    result = _batch(cli, fake_config, tmp_path / "out", f"http://127.0.0.1:{closed_port}/feed.xml")
    assert result.exit_code == 2 and "could not connect" in result.stderr


# --- the listings themselves ---------------------------------------------------------------------------


def test_listings_are_recognised_and_parsed() -> None:
    base = "https://blogg.example"
    assert looks_like_listing(_rss(base)) and looks_like_listing(_sitemap(base)) and not looks_like_listing(PAGE)
    rss = parse_listing(_rss(base), "feed")
    assert rss.kind == "rss" and [e.slug for e in rss.entries] == ["om-samverkan", "energi-for-alla"]
    assert rss.entries[0].content is None and rss.entries[1].content  # a teaser is not the post: fetch the link
    assert parse_listing(_atom(base), "atom").entries[0].author == "Erik"
    assert [e.url for e in parse_listing(_sitemap(base), "sitemap").entries][1] == f"{base}/post.txt"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<html><body>inte xml", "not a readable feed"),
        (b"<?xml version='1.0'?><kalender><dag/></kalender>", "root element is <kalender>"),
        (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            b"<rss><channel><item><title>&b;</title></item></channel></rss>",
            "",
        ),
    ],
)
def test_a_bad_listing_is_refused_or_read_safely(content: bytes, message: str) -> None:
    if message:
        with pytest.raises(InputError, match=message):
            parse_listing(content, "listing.xml")
    else:  # entities are not expanded: no "billion laughs"
        [entry] = parse_listing(content, "listing.xml").entries
        assert "aaaaaaaaaa" not in (entry.title or "")


@pytest.mark.parametrize(
    ("url", "slug", "folders"),
    [
        ("https://blogg.se/2024/05/min-post/", "min-post", ["2024", "05"]),
        ("https://blogg.se/", "index", []),
        ("https://blogg.se/inlagg/vad-är-det.html", "vad-är-det", ["inlagg"]),
        ("https://blogg.se/../../etc/passwd", "passwd", ["etc"]),
    ],
)
def test_slugs_and_folders_are_safe_file_names(url: str, slug: str, folders: list[str]) -> None:
    assert slug_of(url) == slug and url_folders(url) == folders


def test_a_batch_keeps_what_the_server_said_of_a_page(site: str) -> None:
    """The same facts `translate run URL` decodes by: the media type and the declared charset."""
    from translate.batch import collect_inputs

    [item] = collect_inputs([f"{site}/2024/05/om-samverkan/"])
    assert (item.input_format, item.charset, item.content) == ("html", "ISO-8859-1", PAGE)
