"""PDF rendering with WeasyPrint: one helper, returning the HTML too so tests can read it."""

from django.template.loader import render_to_string


def render_to_pdf(template_name: str, context: dict) -> tuple[bytes, str]:
    """Render a template to PDF bytes; returns (pdf, html).

    The templates carry their own CSS and use system fonts (DejaVu from Debian), so rendering
    needs no network and no static-file URLs.
    """
    from weasyprint import HTML  # heavy import, only where a PDF is made

    html = render_to_string(template_name, context)
    return HTML(string=html).write_pdf(), html


def render_publication(
    template_name: str, context: dict, *, contents_over_pages: int = 4
) -> tuple[bytes, str]:
    """Render a publication; when it runs to more than ``contents_over_pages`` pages, render it
    again with ``with_contents`` set, so the template adds a table of contents (its page
    numbers come from WeasyPrint's target-counter). Returns (pdf, html) like render_to_pdf."""
    from weasyprint import HTML

    html = render_to_string(template_name, {**context, "with_contents": False})
    document = HTML(string=html).render()
    if len(document.pages) > contents_over_pages:
        html = render_to_string(template_name, {**context, "with_contents": True})
        document = HTML(string=html).render()
    return document.write_pdf(), html
