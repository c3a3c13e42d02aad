"""A management command's progress: done of total, rate and time left, on one line of the
command's own stream (`self.stdout` or `self.stderr`, an `OutputWrapper`).

Whether the line is rewritten in place is asked of that stream (`isatty()`), never of
`sys.stdout`: a command whose output is captured or redirected stays clean. On a terminal the
line is rewritten after each step; elsewhere (a log, a pipe) a plain line is written at most
every `every` seconds and once at the end, or nothing at all when `every` is None.

`progress(done)` (or `progress(done, total)` when the total is learnt late) reports a count;
`progress.over(items)` counts a loop; `progress.clear()` takes an in-place line away so that
other output starts at a clean line.

Hand-written rather than tqdm: tqdm writes to a raw file (not Django's `OutputWrapper`,
which adds a newline to every write) and, off a terminal, still writes carriage-return
updates into logs; this is 60 lines and prints what the commands' tests assert.
"""

import time
from collections.abc import Iterable, Iterator

LINE = "{label}: {done:,}/{total:,} {noun} ({percent}%), {rate:,.0f} {noun}/s, {left} left"


class Progress:
    def __init__(
        self,
        stream,
        total: int,
        *,
        label: str,
        noun: str,
        every: float | None = None,
        clock=time.monotonic,
    ):
        self.stream, self.total, self.label, self.noun = stream, total, label, noun
        self.every, self.clock = every, clock
        self.tty = stream.isatty()
        self.start = self.shown = clock()
        self.in_place = False  # a line on the terminal waits to be rewritten

    def __call__(self, done: int, total: int | None = None) -> None:
        self.total = self.total if total is None else total
        now, last = self.clock(), done >= self.total
        if not self.tty and (self.every is None or not (last or now - self.shown >= self.every)):
            return
        self.shown = now
        if self.tty:
            ending = "\n" if last else ""
            self.stream.write(f"\r{self.line(done, now)}\x1b[K", style_func=plain, ending=ending)
            self.stream.flush()
            self.in_place = not last
        else:
            self.stream.write(self.line(done, now), style_func=plain)

    def line(self, done: int, now: float) -> str:
        rate = done / max(now - self.start, 1e-9)
        return LINE.format(
            label=self.label,
            noun=self.noun,
            done=done,
            total=self.total,
            percent=100 * done // max(self.total, 1),
            rate=rate,
            left=duration((self.total - done) / rate if rate else 0),
        )

    def over(self, items: Iterable) -> Iterator:
        """Each item of `items`, counted once the loop's body has run."""
        for done, item in enumerate(items, 1):
            yield item
            self(done)

    def clear(self) -> None:
        if self.in_place:
            self.stream.write("\r\x1b[K", style_func=plain, ending="")
            self.in_place = False


def plain(text: str) -> str:
    return text  # progress is not an error: no error colour on stderr


def duration(seconds: float) -> str:
    """'45s', '3m07s', '1h02m'."""
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
