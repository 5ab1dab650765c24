"""The manual laid out in parts at once, one process per part, then made one PDF.

WeasyPrint lays out on one core, and its layout and drawing are ~80 % of `qms pdf --manual`. The
documents are split into consecutive parts of about the same size (`compose.split_manual`); a forked
process lays out each part while this one lays out the front (cover, contents, master list). What
a page says stays what the whole manual laid out in one piece says, because:

- a part's page count does not depend on its page numbers: they are printed in the page's margin
  boxes, which WeasyPrint lays out after the part's pages (`layout_document`). Each part stops there
  and reports its page count and the page of each anchor; once every part has reported, the offset
  and the manual's total are known and the margin boxes print "page x of y" with x counted from the
  manual's first page and y its total, as the manual laid out whole does;
- the contents print the pages the parts reported (the front is laid out again with them; its page
  count must not change, the numbers are no wider than the placeholders it was first laid out with);
- a link to an anchor in another part is written as a `qms-anchor:` URI (`compose.ELSEWHERE`) and made
  a link to the named destination when the parts are joined (`join`), as WeasyPrint writes a link
  inside one PDF.
Whatever goes wrong in a part (a process that dies, a front whose page count changed, an anchor the
contents list that no part holds) makes the caller lay out the manual whole: never a wrong page."""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from collections.abc import Mapping, Sequence
from typing import Any, BinaryIO

from qms_docs.publishing.pdf import compose, join, render
from qms_docs.publishing.pdf.compose import Composer, Split
from qms_docs.publishing.pdf.numbering import LaidOut, Numbering

# Measured on two cores (bench/bench_pdf.py, example manual): each part's process takes 2.3-2.7 s CPU
# where the whole layout and drawing take 4.5-5 s; the parts cost 0.5-0.7 s CPU more in all (the front
# laid out twice, fonts embedded per part, the join). A part more than the cores would add those only.
PARTS = 2


class Unsound(Exception):
    """The parts cannot be joined into the manual laid out whole: lay it out whole."""


def available() -> bool:
    """A second core, Linux (a process forked there after Pango and fontconfig are loaded works; macOS
    does not support forking a process that has loaded its system frameworks), and no other thread
    (one holding a lock when the process forks would leave it held in the part's process for good)."""
    return sys.platform.startswith("linux") and (os.cpu_count() or 1) >= 2 and threading.active_count() == 1


def manual(composer: Composer, head: str | None, css: str, images: Mapping[str, bytes], manifest: bytes) -> render.Rendered:
    """The manual: in parts at once where this machine can (`available`), else (or where the parts cannot make
    the manual laid out whole) in one piece: the same PDF either way."""
    if available() and len(composer.pub.documents) >= PARTS:
        try:
            return render_manual(compose.split_manual(composer, head, PARTS), css, images, manifest)
        except Unsound:
            pass
    return render.render(compose.manual(composer, head), css, images, manifest)


def render_manual(split: Split, css: str, images: Mapping[str, bytes], manifest: bytes) -> render.Rendered:
    """The manual, its parts laid out in parallel; Unsound when they cannot make the manual laid out whole."""
    render.prepare()  # once, not in each process
    workers = [_Worker.start(part, css, images) for part in split.parts]
    try:
        return _join(workers, split, css, images, manifest)
    except Unsound:
        raise
    except Exception as e:  # noqa: BLE001 (laid out whole, the manual shows the error if it is the manual's)
        raise Unsound(f"{type(e).__name__}: {e}") from e
    finally:
        for worker in workers:
            worker.stop()


def _join(workers: Sequence[_Worker], split: Split, css: str, images: Mapping[str, bytes],
          manifest: bytes) -> render.Rendered:
    """The front laid out while the parts are, the parts numbered, the pieces joined."""
    draft = render.paginate(split.front(None), css, images)
    join.prepare()  # this process waits for the parts next: the import is free now
    laid = [w.laid_out() for w in workers]
    offsets = [draft.pages + sum(p.pages for p in laid[:n]) for n in range(len(laid))]
    total = offsets[-1] + laid[-1].pages
    for worker, offset in zip(workers, offsets, strict=True):
        worker.send(Numbering(offset, total))
    numbers = dict(draft.anchors)
    for offset, part in zip(offsets, laid, strict=True):
        numbers.update({name: offset + page for name, page in part.anchors.items() if name not in numbers})
    if not split.contents <= numbers.keys():
        raise Unsound(f"no part holds {sorted(split.contents - numbers.keys())}")
    front = render.render(split.front(numbers), css, images, None, numbering=lambda _: Numbering(0, total))
    if front.pages != draft.pages:
        raise Unsound("the contents took another page once numbered")
    parts = [w.result() for w in workers]
    refused = tuple(dict.fromkeys(m for r in (front, *parts) for m in r.refused))
    return render.Rendered(join.join([front.data, *(p.data for p in parts)], manifest), total, refused)


class _Worker:
    """A forked process that lays out one part: it reports a LaidOut, is sent a Numbering, and
    answers with the part's Rendered (or the error that stopped it)."""

    def __init__(self, pid: int, up: BinaryIO, down: BinaryIO):
        self.pid, self.up, self.down = pid, up, down

    @classmethod
    def start(cls, html: str, css: str, images: Mapping[str, bytes]) -> _Worker:
        up_r, up_w = os.pipe()
        down_r, down_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the part's process: it never returns
            os.close(up_r)
            os.close(down_w)
            _lay_out_part(html, css, images, os.fdopen(up_w, "wb"), os.fdopen(down_r, "rb"))
        os.close(up_w)
        os.close(down_r)
        return cls(pid, os.fdopen(up_r, "rb"), os.fdopen(down_w, "wb"))

    def laid_out(self) -> LaidOut:
        laid: LaidOut = self._receive(LaidOut)
        return laid

    def send(self, numbering: Numbering) -> None:
        pickle.dump(numbering, self.down)
        self.down.flush()

    def result(self) -> render.Rendered:
        rendered: render.Rendered = self._receive(render.Rendered)
        return rendered

    def _receive(self, kind: type) -> Any:
        try:
            message = pickle.load(self.up)  # noqa: S301 (our own forked process)
        except (EOFError, pickle.UnpicklingError) as e:
            raise Unsound(f"a part's process ended early ({e})") from e
        if not isinstance(message, kind):
            raise Unsound(f"a part's process failed: {message}")
        return message

    def stop(self) -> None:
        for stream in (self.up, self.down):
            try:
                stream.close()
            except OSError:
                pass
        try:
            os.kill(self.pid, signal.SIGKILL)  # a part's process that is done has ended already
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)


def _lay_out_part(html: str, css: str, images: Mapping[str, bytes], up: BinaryIO, down: BinaryIO) -> None:
    code = 1
    try:
        def number(laid: LaidOut) -> Numbering:
            pickle.dump(laid, up)
            up.flush()
            return pickle.load(down)  # type: ignore[no-any-return]  # noqa: S301 (our parent)

        result: object = render.render(html, css, images, None, numbering=number)
        code = 0
    except BaseException as e:  # noqa: BLE001 (reported to the parent, which lays out the manual whole)
        result = f"{type(e).__name__}: {e}"
    try:
        pickle.dump(result, up)
        up.flush()
    finally:
        os._exit(code)
