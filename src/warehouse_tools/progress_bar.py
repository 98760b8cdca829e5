"""Progress of long scripts: a bar on a terminal, one line per step otherwise, nothing when quiet.

    steps = StepProgress(total=9, desc="demo data")
    generate_demo(raw, truth, progress=steps)      # each call marks one step done, with its message
    steps.close()

The bar (tqdm) is drawn only when the stream is a terminal, so logs, CI and pipes get the plain
step lines they always had; `quiet` prints nothing. `write` prints a line of results above the bar.
"""

from __future__ import annotations

import sys
from typing import TextIO

from tqdm import tqdm

LABEL_WIDTH = 60  # the step's message beside the bar, cut to this


class StepProgress:
    """Counts finished steps of known number; callable with the message of the step just done."""

    def __init__(self, total: int, desc: str, *, quiet: bool = False, stream: TextIO | None = None,
                 unit: str = "step", indent: str = "") -> None:
        self.quiet = quiet
        self.stream = stream if stream is not None else sys.stderr
        self.indent = indent
        is_terminal = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.bar = (tqdm(total=total, desc=desc, unit=unit, file=self.stream, dynamic_ncols=True,
                         bar_format="{desc}: {percentage:3.0f}%|{bar:24}| {n_fmt}/{total_fmt} "
                                    "[{elapsed}<{remaining}{postfix}]")
                    if is_terminal and not quiet else None)

    def __call__(self, message: str) -> None:
        """One step done: advance the bar (its label shows `message`) or print the message as a line."""
        if self.bar is not None:
            label = message if len(message) <= LABEL_WIDTH else message[:LABEL_WIDTH - 3] + "..."
            self.bar.set_postfix_str(label, refresh=False)
            self.bar.update(1)
        elif not self.quiet:
            print(f"{self.indent}{message}", file=self.stream, flush=True)

    def write(self, line: str) -> None:
        """A line of results: above the bar on a terminal, else printed (also when quiet)."""
        if self.bar is not None:
            self.bar.write(line, file=self.stream)
        else:
            print(line, file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def __enter__(self) -> StepProgress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
