"""Document kinds. Importing this package registers every kind in ``REGISTRY``."""

from wenshu.documents import notice, task_list  # noqa: F401  (registration side effects)
from wenshu.documents.base import REGISTRY, DocJob, DocumentKind

__all__ = ["REGISTRY", "DocJob", "DocumentKind"]
