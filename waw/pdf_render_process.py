"""Imported once by the server process that render processes are forked from (waw/pdf.py):
loads WeasyPrint and renders one small document, so that every render process starts with
WeasyPrint imported and its fonts found and loaded, instead of paying for that on its first
invoice (about a second each on a quiet core)."""

from waw.pdf import pdf_from_html

WARM_UP = (
    '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><style>'
    'body { font-family: "DejaVu Sans", sans-serif; }</style></head>'
    "<body><h1>Factuur</h1><p><strong>€ 1.234,56</strong></p><table><tr><td>regel</td></tr>"
    "</table></body></html>"
)

pdf_from_html(WARM_UP)
