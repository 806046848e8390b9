"""What a batch is asked to do and what it did: options, one record per output, failures, the result."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from wenshu.errors import Problem


STATE_DIR = ".wenshu-batch"
DISTRICT_FOLDER = "全区"
WITHDRAWN_DIR = ".已撤销"  # outputs no longer called for (kept, with their relative path)
FAILED_DIR = ".生成失败"  # the previous files of documents that failed this time
EDITED_MARK = "（已修改）"  # a file at an output's path that wenshu did not write
CHUNK = 64  # documents per task sent to a worker: each round trip costs the parent pickling and a wake-up
CHUNK_WEIGHT = 256 * 1024  # ... or fewer when their contexts add up to this many characters


@dataclass
class BatchOptions:
    data_dir: Path
    out_dir: Path
    kinds: list[str] | None = None
    departments: list[str] | None = None
    period: str | None = None  # "2025-10": this month's 通报; "2024": this year's annual report
    as_of: dt.date | None = None
    templates_dir: Path | None = None
    workers: int = 0  # 0: all cores
    resume: bool = False
    force: bool = False
    pdf: bool = False
    booklet: bool = False


@dataclass
class Output:
    path: str  # relative to the output folder, POSIX
    kind: str
    kind_title: str
    department: str
    title: str
    key: str
    sources: list[str]
    template: str
    template_sha256: str
    context_sha256: str
    sha256: str = ""
    status: str = "planned"  # written / skipped / failed
    pdf: str = ""  # relative path of the PDF copy, when --pdf
    pages: int | None = None
    layout: str = "版面未核验"  # the measured layout pass (wenshu.pdf.layout_pass): only with a PDF


@dataclass
class Failure:
    kind: str
    title: str
    problems: list[Problem]
    # document: one document (or several failing the same way in the same template); template: a
    # template that cannot be used (its documents are counted as failed documents); pdf, booklet,
    # other: one failure each
    category: str = "document"
    documents: int = 1


@dataclass
class SetAside:
    """A file moved out of the way (never deleted): where it was, where it is now, and why."""

    path: str  # relative to the output folder
    moved_to: str  # relative to the output folder
    reason: str  # edited / withdrawn / failed

    REASONS = {"edited": "手工修改过，已保留为", "withdrawn": "不再需要，已移至", "failed": "本次生成失败，旧文件已移至"}

    def describe(self) -> str:
        return f"{self.path}：{self.REASONS[self.reason]} {self.moved_to}"


class OutputLog:
    """Every finished output of a batch, kept in a spool and read back sorted by path.

    ``record`` stores an output once its status is final; ``set_pdf`` adds its PDF copy. Counts per
    kind and status stay in memory (a handful of numbers).
    """

    def __init__(self, spool=None):
        from wenshu.spool import Spool

        self._spool = spool if spool is not None else Spool()
        self._rows = self._spool.map("batch.outputs")
        self._pdfs = self._spool.map("batch.pdfs")
        self.counts: Counter = Counter()  # (kind, status) → number
        self.kind_titles: dict[str, str] = {}
        self._any_pdf = False

    def record(self, o: Output) -> None:
        self._rows.put(o.path, o, order=o.path)
        self.counts[(o.kind, o.status)] += 1
        self.kind_titles[o.kind] = o.kind_title

    def set_pdf(self, o: Output) -> None:
        self._pdfs.put(o.path, (o.pdf, o.pages, o.layout, o.sha256))
        self._any_pdf = True

    def __iter__(self) -> Iterator[Output]:
        """Every recorded output, sorted by path (another table may be written meanwhile)."""
        for o in self._rows.values(ordered=True):
            if self._any_pdf:
                o.pdf, o.pages, o.layout, o.sha256 = self._pdfs.get(o.path, ("", None, o.layout, o.sha256))
            yield o

    def documents(self) -> Iterator[Output]:
        """The outputs that exist on disk (written now or unchanged from the last run)."""
        return (o for o in self if o.status in ("written", "skipped"))

    def __len__(self) -> int:
        return len(self._rows)

    def count(self, status: str) -> int:
        return sum(n for (_, st), n in self.counts.items() if st == status)


@dataclass
class BatchResult:
    outputs: OutputLog = field(default_factory=OutputLog)
    failures: list[Failure] = field(default_factory=list)
    data_problems: list[Problem] = field(default_factory=list)  # data errors and warnings (templates folder too)
    seconds: float = 0.0
    interrupted: bool = False
    stage: str = "render"  # where the run was when it ended: render / pdf / done
    worker_peak_mb: float = 0.0  # largest memory (PSS) reported by a rendering process
    booklets: list[dict] = field(default_factory=list)  # {"path", "department", "pages", "documents"}
    pdf_seconds: float = 0.0
    pdfs_made: int = 0  # PDFs converted by this run
    pdfs_kept: int = 0  # PDFs of unchanged documents kept from an earlier run
    set_aside: list[SetAside] = field(default_factory=list)
    stale_removed: int = 0  # PDFs/booklets of changed documents removed (wenshu made them; redone with --pdf)

    @property
    def written(self) -> int:
        return self.outputs.count("written")

    @property
    def skipped(self) -> int:
        return self.outputs.count("skipped")

    @property
    def failed_documents(self) -> int:
        return self.outputs.count("failed")

    @property
    def data_errors(self) -> int:
        return sum(1 for p in self.data_problems if p.severity == "error")

    def failure_counts(self) -> dict[str, int]:
        """What failed, by what: 文书 (documents), PDF, 汇编, 数据错误, 其他; their sum is the 失败 of
        the summary, and the exit code is 1 exactly when it is not 0."""
        c = Counter(f.category for f in self.failures)
        return {"文书": self.failed_documents, "PDF": c["pdf"], "汇编": c["booklet"], "数据错误": self.data_errors,
                "其他": c["other"]}

    @property
    def failed_total(self) -> int:
        return sum(self.failure_counts().values())

    @property
    def ok(self) -> bool:
        return self.failed_total == 0 and not self.interrupted
