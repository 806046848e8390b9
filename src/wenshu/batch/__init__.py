"""Batch generation: every document the data calls for, for every department, in one run.

    wenshu batch data_examples -o out

* plan: the dataset is loaded and analysed once; each kind yields its jobs lazily; every template is
  compiled once, in this process, before the workers are forked (a template error is reported once);
* render: per document only the templated parts are rendered, checked as XML and zipped (unchanged
  parts keep their compressed bytes), in forked worker processes that die with this one
  (``PR_SET_PDEATHSIG``) and never hold the batch lock;
* write: the worker writes a temporary file in ``OUT/.wenshu-batch/tmp``; this process records it in
  the journal, then renames it into place, so a crash, ``kill -9`` or Ctrl-C never leaves a partial
  document, and the journal knows every file it ever put there;
* nothing lost, nothing stale: a file at an output's path that wenshu did not write (its sha256 is not
  one the journal recorded: edited by hand) is kept as ``…（已修改）.docx``; an output no longer called
  for is moved to ``OUT/.已撤销/``; the old files of a document that failed are moved to
  ``OUT/.生成失败/``; a PDF (or booklet) made from an older .docx is removed as soon as the .docx
  changes;
* resume: ``--resume`` skips files whose inputs and template are unchanged and still match on disk;
* record: ``manifest.json`` and ``manifest.csv`` (UTF-8 with BOM, opens in WPS/Excel) list every
  output with its kind, department, sources, template and sha256, and every file set aside.

Memory does not grow with the number of documents: every per-document record (manifest rows, the
journal, file names taken, PDF results) lives in the dataset's spool (``wenshu.spool``, in
``OUT/.wenshu-batch``) and is streamed back in path order at the end.
"""

from wenshu.batch.model import BatchOptions, BatchResult, DISTRICT_FOLDER, STATE_DIR, Failure, Output
from wenshu.batch.report import interrupted_message, set_aside_lines, summary_table, write_manifest
from wenshu.batch.run import run_batch
from wenshu.batch.workers import own_memory_mb, peak_rss_mb

__all__ = ["BatchOptions", "BatchResult", "DISTRICT_FOLDER", "STATE_DIR", "Failure", "Output", "interrupted_message",
           "own_memory_mb", "peak_rss_mb", "run_batch", "set_aside_lines", "summary_table", "write_manifest"]
