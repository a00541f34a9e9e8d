"""A renderer that fails for one invoice number, for the tests of issuing with render processes.

A render process imports this module by name to run it, so it imports nothing of Django."""

from waw.pdf import pdf_from_html

FAILING_NUMBER = "2025-0002"


def pdf_unless_second_invoice(html: str) -> bytes:
    if FAILING_NUMBER in html:
        raise RuntimeError(f"the renderer crashed on {FAILING_NUMBER}")
    return pdf_from_html(html)
