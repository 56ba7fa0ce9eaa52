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
    size = {"a4": "A4", "letter": "letter"}[document.paper]
    return bytes(HTML(string=render_html(document)).write_pdf(stylesheets=[CSS(string=f"@page {{ size: {size}; }}")]))
