"""Template authoring tools for the general office: check a Word template against the schema,
explain every problem in Chinese, annotate the template with Word comments, document the fields.

    from wenshu.tplcheck import check_template, annotate, fields_for
    problems = check_template(Path("notice.docx"), kind="notice")
    annotate(Path("notice.docx"), problems, Path("notice.批注.docx"))
"""

from wenshu.tplcheck.annotate import annotate
from wenshu.tplcheck.check import check_template, detect_kind, has_errors
from wenshu.tplcheck.fields import FieldDoc, fields_for, render_field_doc, write_field_docs

__all__ = ["annotate", "check_template", "detect_kind", "has_errors", "FieldDoc", "fields_for", "render_field_doc",
           "write_field_docs"]
