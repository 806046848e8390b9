"""Document kinds. Importing this package registers every kind in ``REGISTRY``."""

from wenshu.documents import (  # noqa: F401  (registration side effects)
    annual_report,
    bulletin,
    industry_report,
    notice,
    project_report,
    task_list,
)
from wenshu.documents.base import REGISTRY, DocJob, DocumentKind

__all__ = ["REGISTRY", "DocJob", "DocumentKind"]
