"""PDF handouts: the HTML handout laid out for print (its @media print rules, on A4 or Letter) by WeasyPrint."""

from __future__ import annotations

from translate.document import Document
from translate.errors import ConfigError
from translate.render.templated import render_html


def pdf_available() -> str | None:
    """None when PDFs can be made here, else what to install."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as error:
        return (
            "PDF handouts need WeasyPrint and the Pango library: pip install 'sv2en-handout[pdf]', "
            "and on Debian/Ubuntu apt install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core "
            f"(on macOS: brew install pango). ({type(error).__name__}: {error})"
        )
    return None


def render_pdf(document: Document) -> bytes:
    missing = pdf_available()
    if missing:
        raise ConfigError(missing)
    from weasyprint import CSS, HTML

    # The HTML's print CSS leaves the size to the printer's paper; a PDF has to choose one.
    size = {"a4": "A4", "letter": "letter"}[document.handout.paper]
    page = render_html(document)
    css = f"@page {{ size: {size}; }} body {{ font-size: {document.handout.font_size:g}pt; }}"
    if document.handout.layout != "interlinear":
        # A copy of the column header runs in the top margin of every page after the first, where
        # the pairs go on without it (WeasyPrint's running elements; a browser never sees this copy).
        page = page.replace("<main>", f"<main>{RUNNING_HEADER}", 1)
        css += RUNNING_HEADER_CSS
    return bytes(HTML(string=page).write_pdf(stylesheets=[CSS(string=css)]))


def html_to_pdf(page: str, paper: str = "a4") -> bytes:
    """Any HTML page of ours as a PDF (a translated copy of a PDF document)."""
    missing = pdf_available()
    if missing:
        raise ConfigError(missing)
    from weasyprint import CSS, HTML

    size = {"a4": "A4", "letter": "letter"}[paper]
    return bytes(HTML(string=page).write_pdf(stylesheets=[CSS(string=f"@page {{ size: {size}; margin: 2cm; }}")]))


RUNNING_HEADER = '<div class="columns-running" aria-hidden="true"><span>Svenska</span><span>English</span></div>'
RUNNING_HEADER_CSS = """
.columns-running { position: running(columns); display: block; width: 100%;
  font: 600 7.5pt/1.2 sans-serif; text-transform: uppercase; letter-spacing: .06em; color: #6e6e73;
  border-bottom: 1.5pt solid #d2d2d7; padding-bottom: 2pt; }
.columns-running span { display: inline-block; width: 49%; }
@page { @top-center { content: element(columns); width: 100%; vertical-align: bottom; padding-bottom: 4pt; } }
@page :first { @top-center { content: none; } }
"""
