"""Spreadsheets in and out: ``wenshu init``, ``wenshu export`` and ``wenshu import``.

YAML stays the canonical, reviewable format; the workbook is how people fill it in. The workbook's
sheets and columns are derived from the input models (``layout``), values are converted cell by cell
(``cells``), the YAML is written in a stable form (``yamlio``).
"""
