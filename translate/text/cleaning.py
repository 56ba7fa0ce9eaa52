"""Cleaning: find a post's title, body and comments among its blocks, and drop blog chrome with a reason for each drop.

Chrome is recognized by what the page's markup says of it (parsing gives each block a
``markup_reason`` where it does), by what it says (interface phrases in Swedish and English,
dates, bylines, link rows) and by where it stands: links and labels above the title are the
site's name and menu, links after the body are teasers, a label over a heading is a kicker,
labels in the chrome after the body are stray captions, a paragraph after the sign-off is
the author's bio, and everything after a comment heading is comments and comment form.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from translate.document import DroppedBlock
from translate.options import CleanOptions
from translate.text.blocks import LIST_ITEM, Block
from translate.text.parsing import ParsedPost, parse_plain_text

# Blocks longer than this are prose even if they mention "Gilla" or "Facebook".
MAX_CHROME_WORDS = 25
MAX_TITLE_WORDS = 15
MAX_TITLE_CHARS = 120
MAX_LABEL_WORDS = 8
MAX_CAPTION_WORDS = 15
MAX_NOTICE_WORDS = 80

_MONTHS = (
    r"(?:jan(?:uari|uary)?|feb(?:ruari|ruary)?|mar(?:s|ch)?|apr(?:il)?|maj|may|jun[ie]?|jul[iy]?|aug(?:usti|ust)?"
    r"|sep(?:t|tember)?|okt(?:ober)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAYS = r"(?:(?:mån|tis|ons|tors|fre|lör|sön)dag(?:en)?|monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_TIME = r"(?:(?:kl\.?|at|klockan)\s*)?\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?"
_DATE = (
    rf"(?:{_WEEKDAYS},?\s+)?(?:(?:den\s+)?\d{{1,2}}(?::[ae])?\s+{_MONTHS}(?:,?\s+\d{{4}})?|{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?"
    rf"(?:\s+\d{{4}})?|\d{{4}}-\d{{2}}-\d{{2}})"
)
# A block that is nothing but a date and maybe a time, like "14 april 2021 kl. 19:02".
_DATE_ONLY = re.compile(
    rf"^{_DATE}(?:,?\s+{_TIME})?(?:\s*#\d+)?$|^{_TIME}$"
    r"|^(?:för )?\d+\s*(?:tim|timmar|h|min|minuter|d|dagar|v|veckor|hrs?|mins?|days?|weeks?)\.?(?: sedan| ago)?\s*·?$",
    re.IGNORECASE,
)
# A short line that starts with a date and has no sentence in it: "March 3, 2020 Mattias 6 Comments".
_DATED_BYLINE = re.compile(rf"^{_DATE}\b[^.!?]{{0,60}}$", re.IGNORECASE)

_SHARE_WORDS = (
    r"tweet|twitter|x|facebook|linkedin|pinterest|tumblr|reddit|whatsapp|telegram|pocket|messenger|e-?post|email|restack"
    r"|e-mail|print|skriv ut|kopiera länk|copy link|mer|more|blogthis!|skicka med e-post|email this"
)

# Comment headings: the comments below a post start here.
_COMMENTS_START = re.compile(
    r"^(?:(?:\d+|en|ett|one|no|inga|två|tre) (?:kommentar(?:er)?|comments?|thoughts?|svar|responses?)"
    r"(?: (?:on|till|på|to|om) .{0,150})?|(?:kommentarer|comments|responses?|svar)(?: \(\d+\))?)\s*:?$"
    r"|^svar från .{1,60}$"
    r"|^.{1,40}\s(?:skriver|says|säger|sa|svarade|wrote|skrev)\s*(?::|\.\.\.|…)?$"
    rf"|^(?:{_DATE})?,?\s*(?:{_TIME})?\s*#(?:[2-9]|\d{{2,}})$",  # a forum reply: "2023-06-14, 19:05 #2"
    re.IGNORECASE,
)
# A comment form starts here; nothing after it is written by the post's author.
_FORM_START = re.compile(
    r"^(?:leave a (?:reply|comment)|lämna (?:ett svar|en kommentar)|skriv en kommentar|skicka en kommentar"
    r"|post a comment|logga in för att (?:svara|kommentera)|log in to (?:reply|comment)"
    r"|fill in your details below|fyll i dina uppgifter nedan)\b",
    re.IGNORECASE,
)
# Lines that belong to a comment but are not its text: author, date, reply buttons.
_COMMENT_METADATA = re.compile(
    rf"^(?:svara|reply|citera|quote|anmäl|report|permalänk|permalink|gilla|like|svara på kommentaren)$"
    rf"|^.{{1,40}}\s(?:skriver|says|säger|sa|svarade|wrote|skrev)\s*(?::|\.\.\.|…)?$|^svar från .{{1,60}}$"
    rf"|^{_DATE}(?:,?\s+{_TIME})?$",
    re.IGNORECASE,
)

# (reason, pattern): a short block matching a pattern is chrome.
_CHROME_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (reason, re.compile(pattern, re.IGNORECASE))
    for reason, pattern in [
        (
            "comment form",
            r"^(?:you are commenting using|du kommenterar med ditt)|log out\s*/\s*change|logga ut\s*/\s*ändra"
            r"|^(?:connecting to|ansluter till) %s|^notify me of|^meddela mig|^(?:avbryt svar|cancel reply)$"
            r"|^your email address will not be published|^din e-postadress (?:kommer inte|publiceras inte)"
            r"|^(?:obligatoriska fält|required fields)|^(?:comment|kommentar|name|namn|e-?post|email|e-mail|website"
            r"|webbplats|hemsida|e-postadress)\s*\*?$|^save my name|^spara (?:mitt namn|namn)"
            r"|^(?:post comment|publicera kommentar|skicka kommentar|what are your thoughts\??|write a response)$"
            r"|^(?:kommentera|comment)$|^(?:inga kommentarer|no comments)(?: ännu| yet)?\b"
            r"|bli (?:den )?först(?:a)? att kommentera|be the first to comment"
            r"|^(?:comments are closed|kommentarer(?:na)? är (?:stängda|avstängda))",
        ),
        (
            "comment form (login icon)",
            r"^(?:wordpress\.com logo|twitter picture|facebook photo|google\+ photo|wordpress\.com-logga"
            r"|twitter-bild|facebook-foto)$",
        ),
        ("log-in or sign-up link", r"^(?:logga in|log in|sign in|get started|sign up|registrera dig|bli medlem)$"),
        (
            "like or share buttons",
            rf"%d (?:bloggers|bloggare) (?:like|gillar)|^(?:like|gilla)(?: (?:this|detta|det här|inlägget))?:?$"
            rf"|^(?:share|dela)(?: (?:this|detta|det här|sidan|inlägget))?:?$"
            rf"|^(?:click|klicka) (?:to share|för att dela)"
            rf"|^(?:gilla |like )?(?:loading|laddar(?: in)?)\s*(?:\.\.\.|…)?$|^(?:{_SHARE_WORDS})$"
            rf"|^(?:dela|share) (?:på|on|via|i) [\w.+-]+$"
            rf"|^\d+\s+(?:likes?|gillar|visningar|views|claps|gilla-markeringar)$"
            rf"|^(?:gilla inlägget|like (?:the )?post)$|^\d{{1,6}}$"
            r"|^(?:dela|share) (?:artikeln|the article|sidan|inlägget)$|^följ (?:ämnet|oss|mig|skribenten)\b"
            r"|^(?:follow|följ)$|^\d+ (?:followers|följare|prenumeranter|subscribers)$"
            r"|^(?:open in app|öppna i appen|listen|lyssna|write|skriv)$",
        ),
        (
            "byline, date or tags",
            r"^(?:publicerat|publicerad|uppdaterad|postat|posted|published|updated|upplagd|skrivet|written"
            r"|senast (?:uppdaterad|ändrad|granskad)|last (?:updated|modified)"
            r"|(?:sidan|artikeln|inlägget) (?:uppdaterades|uppdaterad|publicerades|publicerad))\b.{0,100}$"
            r"|^(?:av|by) [A-ZÅÄÖ][\w.-]+(?: [A-ZÅÄÖ][\w.-]+){0,3}(?:,? .{0,40})?$"
            rf"|^(?:av|by) [A-ZÅÄÖ][\w.-]+(?: [A-ZÅÄÖ][\w.-]+){{0,3}},? .{{0,80}}"
            rf"(?:{_DATE}|[\w.+-]+@[\w-]+\.[\w.]+)\.?$"
            r"|^(?:lästid|läsningstid|läs(?:nings)?tid|reading time)\b|^(?:#[\w-]+\s*)+$"
            r"|inlägget (?:postades|publicerades) i|bokmärk permalänken|this entry was posted in|bookmark the permalink"
            r"|^(?:kategorier|kategori|categories|category|etiketter|taggar|tags|ämnen)\s*:"
            r"|^(?:tagged|filed under|arkiverat under|postat i|posted in)\b"
            r"|^(?:ämne|tråd|inlägg) (?:skapat|startat|skrivet) av\b|\b\d+ min(?:uter)? (?:read|läsning|läsningstid)\b"
            r"|^.{1,40} · (?:follow|följ)$|^admin$"
            r"|^(?:version|fastställd|beslutad|reviderad)\s*:?\s*[\d.]+\b.{0,80}$",  # a document's version line
        ),
        (
            "navigation",
            r"^(?:← ?)?(?:föregående|nästa|previous|next|äldre|senare|newer|older)(?: (?:inlägg|post|entries"
            r"|sida|page|inlägget))?(?: ?→)?$|^←|→$|^(?:hoppa till (?:innehåll|innehållet|huvudinnehållet)"
            r"|skip to (?:main )?content|meny|menu|sök|search|hem|home|start|startsida|tillbaka|back"
            r"|(?:gå |tillbaka |upp )?till toppen(?: av (?:sidan|artikeln|inlägget))?|back to top"
            r"|bloggarkiv|arkiv|archive|lyssna|listen|translate|översätt"
            r"|sök efter:?|search for:?)$"
            r"|^(?:sida|page) \d+ (?:av|of) \d+$|^\S[^.!?]{0,40}(?: [›»>/|] [^.!?]{1,40}){2,}$"
            r"|^[^\s›»>/|]{1,40}(?: [›»>/|] [^›»>/|!?]{1,40}){1,6}$",  # a breadcrumb trail: "Start.se / Kurser / Bugg"
        ),
        (
            "related posts",
            r"^(?:relaterade inlägg|relaterade|relaterat|related(?: posts| articles)?|liknande(?: inlägg)?"
            r"|(?:läs också|läs även|read also|se även|relaterat):.{1,80}|läs också|läs även"
            r"|read more|läs mer|more from .{1,40}|mer från .{1,40}|senaste inläggen|populära inlägg|se alla"
            r"|see all|you might also like|du kanske också gillar|fler inlägg|more posts)\s*:?$",
        ),
        (
            "cookie notice",
            r"vi använder (?:oss av )?cookies|this (?:site|website) uses cookies|we use cookies"
            r"|integritet (?:&|och) cookies|cookiepolicy|cookie policy"
            r"|^(?:ok|okej|godkänn(?: alla)?|accept(?: all)?|acceptera(?: alla)?|endast nödvändiga"
            r"|inställningar|settings|neka|reject(?: all)?)$",
        ),
        (
            "site footer",
            r"^(?:blogga med wordpress\.com|blog at wordpress\.com|skapa en gratis webbplats|create a free website"
            r"|(?:proudly )?powered by \w+|tema:? \w+|theme:? \w+|tillhandahålls av|©|copyright|skapad med \w+"
            r"|ansvarig utgivare|om webbplatsen|tillgänglighetsredogörelse|help$|status$|about$|careers$"
            r"|privacy$|terms$)"
            r"|licensiera(?:d|de|t) (?:enligt|under) creative commons|licensed under (?:a )?creative commons"
            r"|alla rättigheter förbehållna|all rights reserved",
        ),
        (
            "newsletter or subscription",
            r"^(?:prenumerera|subscribe|anmäl dig till (?:vårt )?nyhetsbrev|sign up for|tack för att du läser"
            r"|du får (?:det här|detta) (?:mejl|mejlet|e-?postmeddelande)|avregistrera|unsubscribe)"
            r"|reader-supported publication|to receive new posts and support|becoming a (?:free or )?paid subscriber"
            r"|läsarfinansierad|bli (?:gratis|betalande) prenumerant"
            r"|prenumerera (?:gratis|på)",
        ),
        ("advertisement", r"^(?:annons|reklam|advertisement|sponsrat|sponsored|sponsrad länk)$"),
        ("photo credit", r"^(?:foto|bild|photo|image|illustration|grafik|fotograf)\s*:\s*[^.!?]{1,60}$"),
        ("punctuation only", r"^[\W_]+$"),
        # An editor's stand-in for a picture: "[BILD]", "[Bild: kurerat material]", "[image]".
        ("picture placeholder", r"^\[(?:bild|foto|image|img|picture|photo)\b[^\]]{0,60}\]$"),
        ("forum user rank", r"^(?:medlem|member|moderator|nybörjare|stammis|junior member|senior member)$"),
        (
            "page feedback",
            r"^(?:ja|nej|yes|no)$"
            r"|^(?:hjälpte informationen|var (?:den här )?sidan till hjälp|was this (?:page )?helpful)",
        ),
        ("reply or quote button", r"^(?:svara|reply|citera|quote|anmäl|report|permalänk|permalink)$"),
        ("a row of links", r"^[^.!?]{1,40}(?: \| [^.!?]{1,40}){2,}$"),
        ("bare link", r"^(?:https?://|www\.)\S+$"),
    ]
]

# Chrome whose words can also name a section of the post ("Sök", "Status", "Om"): a heading is the section.
_SECTION_NAMES = ("navigation", "site footer")

# An author box: the heading and the short bio after it are about the writer, not the post.
_AUTHOR_BOX = re.compile(
    r"^(?:om författaren|om skribenten|about the author|skribent)\s*:?$|^(?:written by|skriven av|skrivet av) .{1,40}$",
    re.IGNORECASE,
)
_AUTHOR_BIO_BLOCKS = 2
# Two or three capitalized words and nothing else: a person's name, not a title.
_PERSON_NAME = re.compile(r"^[A-ZÅÄÖ][a-zåäöéüø-]+(?: [A-ZÅÄÖ][a-zåäöéüø-]+){1,2}$")
# A line just below the title that long is a subtitle, not a menu entry.
MIN_SUBTITLE_WORDS = 4

_COOKIE_NOTICE = re.compile(
    r"(?:vi|webbplatsen|sajten) använder (?:oss av )?(?:cookies|kakor)|this (?:site|website) uses cookies"
    r"|we use cookies|genom att (?:fortsätta|använda (?:webbplatsen|sajten)) (?:godkänner|accepterar) du",
    re.IGNORECASE,
)

_VALEDICTION = re.compile(
    r"^(?:(?:med )?(?:vänliga|varma|bästa|många|glada|kärleksfulla) hälsningar|hälsningar|mvh|kram(?:ar)?"
    r"|(?:best |kind |warm )?regards|cheers|vänligen)\b"
    r"|^/{1,2} ?[A-ZÅÄÖ][\w-]*$",  # a blogger's sign-off: "/Malin"
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?…:;,]['\"”’»)\]]*$")
# A title may end in a question mark ("Bästa tiden för gäddfiske?"), not in other punctuation.
_NOT_TITLE_END = re.compile(r"[.!…:;,]['\"”’»)\]]*$")
_EMAIL_SIGNATURE = re.compile(r"^--\s*$")


@dataclass
class CleanedText:
    """A post split into its title, the blocks to translate, the comments, and what was dropped."""

    title: str | None
    paragraphs: list[Block]
    comments: list[Block] = field(default_factory=list)
    dropped: list[DroppedBlock] = field(default_factory=list)


# No Swedish word is this long; a run of characters without spaces counts as one word per this
# many, so that a megabyte with no space in it is never a "short" label, menu or caption.
LONGEST_WORD_CHARS = 50


def _words(text: str) -> int:
    """Words, for the rules that judge a block by its length."""
    return sum(-(-len(word) // LONGEST_WORD_CHARS) for word in text.split())


def chrome_reason(block: Block) -> str | None:
    """Why a block is blog chrome by what it says, or None if it may be content."""
    text = block.text
    words = _words(text)
    if block.kind == "code":
        return None
    if block.markup_reason:
        return block.markup_reason
    if words > MAX_NOTICE_WORDS:
        return None
    if _COOKIE_NOTICE.search(text):
        return "cookie notice"  # these run long, and no post is about its own cookies
    if words > MAX_CHROME_WORDS:
        return None
    if _DATE_ONLY.match(text):
        return "date or time"
    if _DATED_BYLINE.match(text) and words <= MAX_LABEL_WORDS:
        return "byline, date or tags"
    for reason, pattern in _CHROME_PATTERNS:
        if pattern.search(text) and not (block.kind == "heading" and reason in _SECTION_NAMES):
            return reason
    return None


def _is_label(block: Block) -> bool:
    """A few words with no sentence punctuation: a title, heading, site name, menu entry or caption."""
    return (
        block.kind == "paragraph"
        and not LIST_ITEM.match(block.text)
        and _words(block.text) <= MAX_LABEL_WORDS
        and not _SENTENCE_END.search(block.text)
    )


def _is_short_label(block: Block) -> bool:
    """One to three words and no sentence: a user name, a rank, a button."""
    return block.kind == "paragraph" and _words(block.text) <= 3 and not _SENTENCE_END.search(block.text)


def _could_be_title(block: Block) -> bool:
    return (
        block.kind in ("paragraph", "heading")
        and _words(block.text) <= MAX_TITLE_WORDS
        and len(block.text) <= MAX_TITLE_CHARS
        and not _NOT_TITLE_END.search(block.text)
    )


# A label in capitals: no lower-case letter, and at least four letters (not "CSS", "EU").
_CAPITALS = re.compile(r"^(?=(?:[^a-zåäöéü]*[A-ZÅÄÖÉÜ]){4})[^a-zåäöéü]+$")
_PROSE_END = re.compile(r"[.!?…]['\"”’»)\]]*$")
MIN_SENTENCE_WORDS = 3


def _is_prose(block: Block) -> bool:
    """Body text: a sentence of a few words or more, a long block, a list item, a quote or code.

    Not prose: a title, a heading, or a label such as "Sök efter:".
    """
    if block.kind in ("list-item", "quote", "code"):
        return True
    if block.kind == "heading":
        return False
    words = _words(block.text)
    if words > MAX_TITLE_WORDS:
        return True
    if block.text.endswith("?"):
        return False  # a short question may be the title ("Bästa tiden för gäddfiske?")
    return bool(_PROSE_END.search(block.text)) and words >= MIN_SENTENCE_WORDS


@dataclass
class _Marks:
    """What cleaning has decided so far, block by block."""

    blocks: list[Block]
    reasons: list[str | None]  # why a block is dropped; None while it may be content
    is_comment: list[bool]
    title_index: int | None = None

    def drop(self, index: int, reason: str) -> None:
        """Give a block a reason to be dropped, unless it has one already."""
        self.reasons[index] = self.reasons[index] or reason

    def undecided(self, index: int) -> bool:
        return self.reasons[index] is None and index != self.title_index


def clean_post(post: ParsedPost, options: CleanOptions | None = None) -> CleanedText:
    """Decide for every block of a post whether it is title, body, comment or chrome."""
    options = options or CleanOptions()
    if options.keep_all:
        return _keep_everything(post)
    blocks = list(post.blocks)
    marks = _Marks(blocks, [chrome_reason(b) for b in blocks], [False] * len(blocks))
    signature = _mark_signature_and_boxes(marks)
    _mark_edge_links(marks)
    _mark_kickers(marks)
    _mark_teasers(marks)
    first_prose = next((i for i, b in enumerate(blocks) if marks.undecided(i) and _is_prose(b)), len(blocks))
    end_of_post = _mark_comments(marks, first_prose, signature)
    end_of_post = _mark_unlabelled_comments(marks, first_prose, end_of_post)
    title = post.title if post.title is not None else _choose_title(marks, first_prose)
    _mark_header(marks, first_prose, post, title)
    _mark_table_of_contents(marks, first_prose)
    _mark_after_sign_off(marks, first_prose, end_of_post)
    _mark_trailing_labels(marks, first_prose, end_of_post)
    _add_separate_comments(marks, post.comments or [])
    return _collect(marks, title, options, title_given=post.title is not None)


def _mark_signature_and_boxes(marks: _Marks) -> int | None:
    """E-mail footers, photo captions and author boxes; returns where an e-mail signature starts."""
    blocks = marks.blocks
    # An e-mail signature line ("--") ends the message; what follows is footer.
    signature = next((i for i, b in enumerate(blocks) if _EMAIL_SIGNATURE.match(b.text)), None)
    if signature is not None:
        for i in range(signature, len(blocks)):
            marks.drop(i, "e-mail signature or footer after the -- line")
    for i, block in enumerate(blocks):
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        if marks.reasons[i] == "photo credit" and following and marks.undecided(i + 1):
            if _words(following.text) <= MAX_CAPTION_WORDS and following.kind == "paragraph":
                marks.drop(i + 1, "photo caption (after the photo credit)")
        if _AUTHOR_BOX.match(block.text):
            marks.reasons[i] = "author box"
            for j in range(i + 1, min(i + 1 + _AUTHOR_BIO_BLOCKS, len(blocks))):
                marks.drop(j, "author box")
    return signature


def _mark_edge_links(marks: _Marks) -> None:
    """Links above the body's first sentence and below its last are menus, share bars and teasers.

    Between them a paragraph or list of links is the post's own (a tutorial's examples,
    a list of sources), and stays unless what it says is chrome.
    """
    blocks = marks.blocks
    prose = [i for i, b in enumerate(blocks) if marks.undecided(i) and not b.link_only and _is_prose(b)]
    first, last = (prose[0], prose[-1]) if prose else (len(blocks), -1)
    for i, block in enumerate(blocks):
        # A linked heading above the body is the post's title linking to itself; below it, a teaser's.
        outside = i < first and block.kind != "heading" or i > last
        if block.link_only and outside and _words(block.text) <= MAX_CHROME_WORDS:
            marks.drop(i, "link (menu, share or read-more)")


def _mark_kickers(marks: _Marks) -> None:
    """A short label right above a heading, inside the body, is a kicker or category label."""
    blocks = marks.blocks
    first = next((i for i, b in enumerate(blocks) if marks.undecided(i) and _is_prose(b)), len(blocks))
    for i, block in enumerate(blocks):
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        kicker = _is_short_label(block) and not block.link_only and i > first and following is not None
        if kicker and following.kind == "heading":
            marks.drop(i, "kicker label above a heading")
        elif kicker and _CAPITALS.match(block.text) and _is_label(following) and _could_be_title(following):
            # A browser copy keeps CSS capitals: "UPPLEVELSEN" over the heading "Så känns Fox på golvet".
            # A line in capitals over prose is the post's own heading ("TISDAG").
            marks.drop(i, "kicker label above a heading (set in capitals)")


_READ_MORE = re.compile(
    r"^(?:läs mer|läs hela (?:inlägget|artikeln|texten)|läs vidare|fortsätt läsa|read more|continue reading"
    r"|keep reading)\b[^.!?]{0,40}$",
    re.IGNORECASE,
)
_SNIPPET_END = re.compile(r"(?:…|\.\.\.|\[…\]|\[\.\.\.\])['\"”’»)\]]*$")
# A teaser: a title, a date or a picture caption, and a few lines of the other post.
MAX_TEASER_BLOCKS = 3
MAX_TEASER_WORDS = 80
# A snippet is a cut-off sentence of some length; a list item ending in "..." means "and so on".
MIN_SNIPPET_WORDS = 8
MIN_TEASERS = 2


def _teaser_units(marks: _Marks, ends: list[int], most_lead: int) -> list[list[int]]:
    """Each teaser that ends at one of ``ends`` (its read-more line or its snippet): the short
    paragraphs before it up to its title (a label), at most ``most_lead``, and never back into
    the teaser before; with no title in reach, only the paragraph just before."""
    blocks = marks.blocks
    units = []
    previous_end = -1
    for end in ends:
        lead: list[int] = []
        for i in range(end - 1, max(previous_end, end - 1 - most_lead), -1):
            block = blocks[i]
            if not (
                marks.undecided(i)
                and block.kind == "paragraph"
                and _words(block.text) <= MAX_TEASER_WORDS
                and not _SNIPPET_END.search(block.text)
                and not _READ_MORE.match(block.text)
            ):
                break
            lead.append(i)
            if _is_label(block):
                break  # the teaser's title
        if lead and not _is_label(blocks[lead[-1]]):
            lead = lead[:1]
        units.append(sorted(lead) + [end])
        previous_end = end
    return units


def _mark_teasers(marks: _Marks) -> None:
    """Teasers for other posts, as a browser copy gives them: a run of short blocks each followed
    by "Läs mer", or of snippets cut off with "…" (each perhaps under its title). One alone may
    be the post's; two or more in a row are a list of other posts, so long as the post is left."""
    blocks = marks.blocks
    read_more = [i for i, b in enumerate(blocks) if _READ_MORE.match(b.text)]
    snippets = [
        i for i, b in enumerate(blocks)
        if marks.undecided(i) and b.kind == "paragraph" and _SNIPPET_END.search(b.text)
        and MIN_SNIPPET_WORDS <= _words(b.text) <= MAX_TEASER_WORDS
    ]  # fmt: skip
    kinds = (
        (
            _teaser_units(marks, read_more, MAX_TEASER_BLOCKS),
            2,
            "short blocks, each followed by a read-more line",
        ),
        (_teaser_units(marks, snippets, 1), 1, "snippets cut off with an ellipsis"),
    )
    for units, smallest, what in kinds:
        runs: list[list[list[int]]] = []
        for unit in (u for u in units if len(u) >= smallest):
            # Teasers stand in a row: each starts right after the one before it ends.
            if runs and unit[0] == runs[-1][-1][-1] + 1:
                runs[-1].append(unit)
            else:
                runs.append([unit])
        for run in (r for r in runs if len(r) >= MIN_TEASERS):
            indices = {i for unit in run for i in unit}
            if any(i not in indices and marks.undecided(i) and _is_prose(b) for i, b in enumerate(blocks)):
                for i in sorted(indices):
                    marks.drop(i, f"teasers for other posts ({what})")


def _comment_byline(marks: _Marks, i: int) -> int:
    """How many lines a comment's byline takes at ``i``: a name over a date, or a name and a date on one
    line ("Anna, 12 mars 2021 kl. 10:02"); 0 where there is none."""
    blocks = marks.blocks
    text = blocks[i].text
    date = re.search(_DATE, text, re.IGNORECASE) or re.search(_TIME, text, re.IGNORECASE)
    if date and _is_label(blocks[i]) and 1 <= _words(text[: date.start()].strip(" ,·|-")) <= 4:
        return 1 if not text[:1].isdigit() else 0
    following = blocks[i + 1] if i + 1 < len(blocks) else None
    if following is not None and _is_short_label(blocks[i]) and _DATE_ONLY.match(following.text):
        return 2
    return 0


def _mark_unlabelled_comments(marks: _Marks, first_prose: int, end_of_post: int) -> int:
    """Comments with no heading above them: a name and a date, then a short text, again and again
    after the body. Returns where the post now ends."""
    blocks = marks.blocks
    units: list[tuple[int, int]] = []  # (byline start, byline length)
    i = first_prose + 1
    while i < end_of_post:
        length = _comment_byline(marks, i) if marks.undecided(i) or marks.reasons[i] == "date or time" else 0
        following = i + length
        # A comment's text may be one short question ("Hittade ni några karljohan?"): anything but a label.
        text_follows = following < end_of_post and marks.undecided(following) and not _is_label(blocks[following])
        if length and text_follows:
            units.append((i, length))
            i = following + 1
        else:
            i += 1
    if len(units) < MIN_TEASERS:
        return end_of_post
    start = units[0][0]
    # The comments start where the bylines do, and the post must be left above them.
    if not any(marks.undecided(j) and _is_prose(blocks[j]) for j in range(first_prose, start)):
        return end_of_post
    bylines = {j for begin, length in units for j in range(begin, begin + length)}
    for j in range(start, end_of_post):
        if j in bylines:
            marks.reasons[j] = "comment heading, author or date"
        elif marks.undecided(j):
            marks.is_comment[j] = True
    return start


def _mark_comments(marks: _Marks, first_prose: int, signature: int | None) -> int:
    """Comments run from a comment heading after the body to the comment form; returns where the post ends."""
    blocks = marks.blocks
    after_body = range(first_prose + 1, len(blocks))
    # A table of contents may link to a "Kommentarer" section; the heading itself is no link.
    comments_start = next(
        (
            i
            for i in after_body
            if _COMMENTS_START.match(blocks[i].text) and not blocks[i].link_only and blocks[i].kind != "list-item"
        ),
        None,
    )
    # With no body at all, a comment form still is one.
    form_start = next(
        (i for i in (after_body or range(len(blocks))) if _FORM_START.match(blocks[i].text)),
        None,
    )
    if form_start is not None:
        for i in range(form_start, len(blocks)):
            marks.drop(i, "comment form")
    if comments_start is not None:
        for i in range(comments_start, form_start if form_start is not None else len(blocks)):
            metadata = _COMMENT_METADATA.match(blocks[i].text) or _is_short_label(blocks[i])
            if i == comments_start or (marks.undecided(i) and metadata):
                marks.drop(i, "comment heading, author or date")
            elif marks.undecided(i):
                marks.is_comment[i] = True
    return min(i for i in (comments_start, form_start, signature, len(blocks)) if i is not None)


def _dated_line(block: Block) -> bool:
    """A short line with a date in it ("Version: 1.0 | Fastställd: 2025-12-10")."""
    return _words(block.text) <= MAX_LABEL_WORDS and bool(re.search(_DATE, block.text, re.IGNORECASE))


def _choose_title(marks: _Marks, first_prose: int) -> str | None:
    """In plain text the title is the label above the body that stands closest to it.

    A lower-case word there is a user name, and a person's name ("Karin Ek") or a name
    followed by a Follow button is the author's, so those are passed over when there is
    another candidate.
    """
    blocks = marks.blocks

    def author_line(i: int) -> bool:
        """A name right above a date: the author's byline, as on Facebook or Substack."""
        following = marks.reasons[i + 1] if i + 1 < len(blocks) else None
        return bool(_PERSON_NAME.match(blocks[i].text)) and following in ("date or time", "byline, date or tags")

    # The title stands over its byline ("Av Ronny Holm, 14:e oktober 2010"), even where a page's
    # captions come first in the copy; looked for in the first half, where comments do not stand.
    over_byline = [
        i
        for i in range(len(blocks) // 2)
        if marks.undecided(i)
        and _could_be_title(blocks[i])
        and not _is_prose(blocks[i])
        and not _PERSON_NAME.match(blocks[i].text)
        and (marks.reasons[i + 1] in ("byline, date or tags", "date or time") or _dated_line(blocks[i + 1]))
    ]
    if over_byline:
        marks.title_index = over_byline[0]
        return blocks[over_byline[0]].text
    candidates = [
        i for i in range(first_prose) if marks.undecided(i) and _could_be_title(blocks[i]) and not author_line(i)
    ]
    preferred = [
        i
        for i in candidates
        if not blocks[i].text[:1].islower()
        and not _PERSON_NAME.match(blocks[i].text)
        and not (i + 1 < len(blocks) and re.match(r"^(?:follow|följ)$", blocks[i + 1].text, re.IGNORECASE))
    ]
    if not candidates:
        return None
    chosen = preferred or candidates
    index = chosen[-1]
    # A title with a subtitle right below it: two adjacent lines of several words each.
    if len(chosen) > 1 and chosen[-2] == index - 1 and all(_words(blocks[i].text) >= 3 for i in chosen[-2:]):
        index = chosen[-2]
    marks.title_index = index
    return blocks[index].text


def _mark_header(marks: _Marks, first_prose: int, post: ParsedPost, title: str | None) -> None:
    """Labels above the body: in plain text the site's name, tagline and menu; in HTML and
    Markdown, headings there are the post's own, and only a one-to-three-word paragraph is
    a section label ("Kultur") or a heading repeats the site's name from the page title."""
    most_words = MAX_LABEL_WORDS if post.format == "txt" else 3
    site_name = post.extra.get("page_title", "")
    for i in range(first_prose):
        block = marks.blocks[i]
        words = _words(block.text)
        above_title = marks.title_index is not None and i < marks.title_index
        if not marks.undecided(i):
            continue
        if block.kind == "heading" and block.text != title and block.text in site_name:
            marks.drop(i, "site name (it is in the page title, not the post's)")
        elif marks.title_index is not None and i > marks.title_index and words >= MIN_SUBTITLE_WORDS:
            continue  # a subtitle
        elif block.kind == "paragraph" and words <= most_words:
            marks.drop(i, "site name, menu or label above the title")
        elif post.format == "txt" and above_title and block.kind == "paragraph" and not _is_prose(block):
            marks.drop(i, "menu line above the title")  # a menu copied as one line: many words, no sentence


_TOC_HEADING = re.compile(
    r"^(?:innehållsförteckning|innehåll|på (?:den här|denna) sida(?:n)?|table of contents|contents|on this page)\s*:?$",
    re.IGNORECASE,
)
# A table of contents copied as one line is made of the headings' words.
MIN_TOC_HEADING_WORDS = 0.8


def _mark_table_of_contents(marks: _Marks, first_prose: int) -> None:
    """Labels above the body that recur as headings further down are its table of contents, and so is
    what stands under a "Innehållsförteckning" label when it is made of the headings' words."""
    blocks = marks.blocks
    headings = [b for b in blocks[first_prose:] if _could_be_title(b) and not _is_prose(b) or b.kind == "heading"]
    below = {b.text.casefold() for b in headings}
    for i in range(first_prose):
        if marks.undecided(i) and not _is_prose(blocks[i]) and blocks[i].text.casefold() in below:
            marks.drop(i, "table of contents (the entry recurs as a heading below)")
    heading_words = Counter(w for b in headings for w in re.findall(r"\w+", b.text.casefold()))
    for i, block in enumerate(blocks):
        if not (_TOC_HEADING.match(block.text) and (block.kind == "heading" or _is_label(block))):
            continue
        marks.drop(i, "table of contents")
        for j in range(i + 1, len(blocks)):
            entry = Counter(re.findall(r"\w+", blocks[j].text.casefold()))
            covered = sum((entry & heading_words).values()) / max(1, sum(entry.values()))
            if not marks.undecided(j) or covered < MIN_TOC_HEADING_WORDS:
                break
            marks.drop(j, "table of contents (made of the headings below)")


_POSTSCRIPT = re.compile(r"^p\.?\s?s\b", re.IGNORECASE)
MAX_BIO_BLOCKS = 2
MAX_SIGNATURE_LINES = 2


def _mark_after_sign_off(marks: _Marks, first_prose: int, end_of_post: int) -> None:
    """After the author's sign-off ("/mos", "Hälsningar, Anna") a paragraph or two before the
    page's chrome is an author bio or a signature, not the post; a P.S. is the post's."""
    blocks = marks.blocks
    body = [i for i in range(first_prose, end_of_post) if marks.undecided(i)]
    sign_offs = [i for i in body if _VALEDICTION.match(blocks[i].text) and _words(blocks[i].text) <= 4]
    if not sign_offs:
        return
    after = [i for i in body if i > sign_offs[-1]]
    prose = [i for i in after if _is_prose(blocks[i]) and not _POSTSCRIPT.match(blocks[i].text)]
    if not prose or len(prose) > MAX_BIO_BLOCKS or any(_POSTSCRIPT.match(blocks[i].text) for i in after):
        return
    # Only where labels and chrome, and nothing else, follow the bio: the page's end.
    rest = range(prose[-1] + 1, len(blocks))
    if rest and all(not marks.undecided(i) or _is_label(blocks[i]) for i in rest):
        for i in prose:
            marks.drop(i, "author bio or signature after the sign-off")


def _mark_trailing_labels(marks: _Marks, first_prose: int, end_of_post: int) -> None:
    """Short labels among the chrome that ends a post are captions and buttons ("profil 3"),
    unless they close a letter ("Varma hälsningar, / Styrelsen", "/Malin")."""
    blocks = marks.blocks
    last_content = end_of_post - 1
    while last_content >= first_prose and (not marks.undecided(last_content) or _is_label(blocks[last_content])):
        last_content -= 1
    trailing = [i for i in range(last_content + 1, end_of_post) if marks.undecided(i)]
    chrome_follows = any(marks.reasons[i] for i in range(last_content + 1, len(blocks)))
    if not (trailing and chrome_follows):
        return
    valediction = next((i for i in trailing if _VALEDICTION.match(blocks[i].text)), None)
    if valediction is None and last_content >= 0 and _VALEDICTION.match(blocks[last_content].text):
        valediction = last_content
    for i in trailing:
        # The sign-off and the name or two under it close the letter; a run of labels after that is a menu.
        if valediction is None or i < valediction or i > valediction + MAX_SIGNATURE_LINES:
            marks.drop(i, "short label in the chrome after the post")


def _add_separate_comments(marks: _Marks, comments: list[Block]) -> None:
    """Comments the format keeps apart from the post (HTML) follow the post's own blocks."""
    for block in comments:
        metadata = _COMMENT_METADATA.match(block.text) or _COMMENTS_START.match(block.text) or _is_short_label(block)
        reason = chrome_reason(block) or (
            "comment form" if _FORM_START.match(block.text) else "comment heading, author or date" if metadata else None
        )
        marks.blocks.append(block)
        marks.reasons.append(reason)
        marks.is_comment.append(True)


def _collect(marks: _Marks, title: str | None, options: CleanOptions, title_given: bool) -> CleanedText:
    paragraphs: list[Block] = []
    comments: list[Block] = []
    dropped: list[DroppedBlock] = []
    for i, (block, reason, comment) in enumerate(zip(marks.blocks, marks.reasons, marks.is_comment)):
        if i == marks.title_index:
            continue
        if reason:
            dropped.append(DroppedBlock(text=block.text, reason=reason))
        elif comment and not options.keep_comments:
            dropped.append(DroppedBlock(text=block.text, reason="comment below the post (--keep-comments keeps it)"))
        elif comment:
            comments.append(block)
        else:
            paragraphs.append(block)
    if title is not None and not paragraphs and not title_given:
        # A single short block is the whole post, not a title over nothing.
        paragraphs, title = [Block(title)], None
    return CleanedText(title=title, paragraphs=paragraphs, comments=comments, dropped=dropped)


def clean_text(text: str, options: CleanOptions | None = None) -> CleanedText:
    """Clean a plain-text post (normalized text, as reading.read_text returns it)."""
    return clean_post(parse_plain_text(text), options)


def _keep_everything(post: ParsedPost) -> CleanedText:
    # No guessing either: a title only where the format names one.
    return CleanedText(title=post.title, paragraphs=list(post.blocks), comments=list(post.comments or []))
