"""wenshu (文书): official-format paperwork for the investment-project performance evaluation reform.

Data flows one way: YAML → pydantic models → analysis → document context → template → .docx → PDF.
"""

__version__ = "0.1.0"
