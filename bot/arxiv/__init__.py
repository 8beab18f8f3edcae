"""The arXiv edge: a paper's record read from the arXiv API, within arXiv's terms of use.

SPEC 11. ``api`` sends the one request and reads arXiv's Atom answer into an
``ArxivRecord`` (``bot.core.metadata``, where the merging is, without I/O);
``gate`` keeps to one request every 3 seconds and one connection at a time
for the whole deployment (through Redis when the queue is Redis); ``cache``
keeps records for a day; ``source`` puts them together and is what a job
uses. Whatever arXiv does (slow, down, an error entry, garbage), a lookup
answers: a record, or the ``Unfetched`` marker, and intake goes on without
autofill.
"""

from bot.arxiv.source import Source, record_for, serving

__all__ = ["Source", "record_for", "serving"]
