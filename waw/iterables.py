"""Iteration helpers shared by the streaming commands (archive verification, backup)."""


def chunks(iterable, size: int):
    """Lists of at most ``size`` items, so a stream is handled in bounded memory
    (``itertools.batched`` from Python 3.12 on)."""
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
