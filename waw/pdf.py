"""PDF rendering with WeasyPrint: one helper, returning the HTML too so tests can read it, and
the rendering of many documents at once on every core."""

import multiprocessing
import multiprocessing.forkserver
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait

from django.template.loader import render_to_string


def render_to_pdf(template_name: str, context: dict) -> tuple[bytes, str]:
    """Render a template to PDF bytes; returns (pdf, html).

    The templates carry their own CSS and use system fonts (DejaVu from Debian), so rendering
    needs no network and no static-file URLs.
    """
    html = render_to_string(template_name, context)
    return pdf_from_html(html), html


def pdf_from_html(html: str) -> bytes:
    """The PDF of a complete HTML document: what ``render_to_pdf`` does after the template.
    Needs no Django, so a render process runs it from the HTML string alone."""
    from weasyprint import HTML  # heavy import, only where a PDF is made

    return HTML(string=html).write_pdf()


def _render_process_context():
    # A render process is forked from a clean server process that has WeasyPrint imported and
    # warmed up already, never from the caller: forking a process with an open database
    # connection (and the web server's or the task worker's threads) would share that socket
    # with the child. The server lives as long as the calling process, so only the first
    # rendering of a process pays for starting it.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["waw.pdf_render_process"])
    return context


def start_render_processes() -> None:
    """Start the server that render processes are forked from, if it is not running: called
    ahead of ``render_pdfs`` by a caller that knows it will need it, so that the server's start
    and warm-up overlap the caller's own work (building the HTML)."""
    _render_process_context()
    multiprocessing.forkserver.ensure_running()


def render_pdfs(
    htmls: list[str],
    *,
    processes: int,
    render: Callable[[str], bytes] = pdf_from_html,
    on_rendered: Callable[[int, int], None] | None = None,
) -> list[bytes]:
    """The PDFs of ``htmls``, in their order, rendered by ``processes`` processes at once (1:
    in this process). ``render`` must be a module-level function (it is sent to the processes
    by name). ``on_rendered(done, total)`` is called here, in the caller's process and thread,
    each time a PDF is done. The first failing render stops the rest and is raised.

    Like every process multiprocessing starts without forking the caller, a render process
    imports the caller's main module again: a script that renders this way keeps its work
    under ``if __name__ == "__main__":`` (manage.py, gunicorn and pytest do)."""
    total = len(htmls)
    pdfs: list[bytes | None] = [None] * total
    if processes <= 1 or total <= 1:
        for index, html in enumerate(htmls):
            pdfs[index] = render(html)
            if on_rendered:
                on_rendered(index + 1, total)
        return pdfs
    # Longest first: the largest invoice (a city's, thousands of lines) started last would
    # leave the other cores idle while it renders alone.
    order = sorted(range(total), key=lambda index: -len(htmls[index]))
    pool = ProcessPoolExecutor(min(processes, total), mp_context=_render_process_context())
    try:
        pending = {pool.submit(render, htmls[index]): index for index in order}
        done = 0
        while pending:
            finished, _rest = wait(pending, return_when=FIRST_EXCEPTION)
            for future in finished:
                pdfs[pending.pop(future)] = future.result()
                done += 1
                if on_rendered:
                    on_rendered(done, total)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return pdfs


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
