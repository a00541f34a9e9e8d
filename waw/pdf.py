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
