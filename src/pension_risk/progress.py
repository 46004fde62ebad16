"""Progress of a long run: stage, rows ingested, dbt nodes done of total, elapsed time.

The assets report what they did (`stage`, `rows`, `dbt_total`, `dbt_done`); `pension-risk run`
shows it on its terminal as one bar redrawn in place, and as a plain line in the run log
(`FILE.run.log`) at every stage change and every 15 seconds. With no terminal (cron,
systemd) the plain lines go to stderr too.
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Progress:
    stage: str = "starting"
    rows: int = 0
    dbt_done: int = 0
    dbt_total: int = 0
    started: float = field(default_factory=time.monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def set_stage(self, stage: str, dbt_total: int | None = None) -> None:
        with self.lock:
            self.stage = stage
            if dbt_total is not None:
                self.dbt_done, self.dbt_total = 0, dbt_total

    def add_rows(self, n: int) -> None:
        with self.lock:
            self.rows += n

    def dbt_node_done(self, n: int = 1) -> None:
        with self.lock:
            self.dbt_done = min(self.dbt_done + n, self.dbt_total) if self.dbt_total else self.dbt_done + n

    def snapshot(self) -> tuple[str, int, int, int, float]:
        with self.lock:
            return self.stage, self.rows, self.dbt_done, self.dbt_total, time.monotonic() - self.started

    def line(self) -> str:
        stage, rows, done, total, elapsed = self.snapshot()
        minutes, seconds = divmod(int(elapsed), 60)
        nodes = f", dbt {done}/{total} nodes" if total else ""
        return f"{stage}: {rows:,} rows ingested{nodes}, {minutes:d}:{seconds:02d} elapsed"

    def bar(self, width: int = 24) -> str:
        stage, rows, done, total, elapsed = self.snapshot()
        minutes, seconds = divmod(int(elapsed), 60)
        filled = int(width * done / total) if total else 0
        gauge = "█" * filled + "░" * (width - filled)
        nodes = f" {done}/{total}" if total else ""
        return f"{minutes:d}:{seconds:02d} {gauge}{nodes} | {rows:,} rows | {stage}"


#: the progress of the run in this process (one run per process: the writer lock)
current = Progress()


def reset() -> Progress:
    global current
    current = Progress()
    return current


class Reporter:
    """Shows `current` while a run lasts: a bar on a terminal, plain lines otherwise and in the log."""

    def __init__(self, log=None, stream=None, every: float = 15.0, tick: float = 0.5):
        self.stream = stream or sys.stderr
        self.log = log  # callable(str): a line in the run log
        self.every, self.tick = every, tick
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="progress", daemon=True)

    def __enter__(self) -> Reporter:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()
        if self.tty:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()

    def _loop(self) -> None:
        last_stage, last_line = None, 0.0
        while not self._stop.wait(self.tick):
            stage = current.snapshot()[0]
            now = time.monotonic()
            if stage != last_stage or now - last_line >= self.every:
                text = current.line()
                if self.log:
                    self.log(f"progress: {text}")
                if not self.tty:
                    print(f"      {text}", file=self.stream, flush=True)
                last_stage, last_line = stage, now
            if self.tty:
                self.stream.write("\r\x1b[2K      " + current.bar())
                self.stream.flush()
