"""A progress bar for long work: count, rate and time left, on a terminal only (quiet when piped)."""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, label: str, stream=None, enabled: bool | None = None):
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.total = 0
        self.done = 0
        self.started = time.perf_counter()
        self._last = 0.0

    def plan(self, total: int) -> None:
        self.total = max(total, 0)
        self._draw(force=True)

    def advance(self, n: int = 1, _failed: int = 0) -> None:
        self.done += n
        if self.done > self.total:
            self.total = self.done
        self._draw()

    def _draw(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if not force and now - self._last < 0.1 and self.done < self.total:
            return
        self._last = now
        elapsed = now - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        width = 28
        filled = int(width * self.done / self.total) if self.total else 0
        left = (self.total - self.done) / rate if rate > 0 else 0
        bar = "█" * filled + "░" * (width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {self.done}/{self.total} {rate:.1f}份/秒 剩余{int(left) // 60}:{int(left) % 60:02d} ")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self._draw(force=True)
            self.stream.write("\n")
            self.stream.flush()
