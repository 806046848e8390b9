"""The data folder: files found and read once (``files``), what they hold (``dataset``), the checks
across them (``checks``), and the one pass that reads them (``loader``)."""

from wenshu.data.dataset import Dataset, ProjectStub, Ref, SourceFile
from wenshu.data.files import discover
from wenshu.data.loader import DataLoader, load_dataset

__all__ = ["DataLoader", "Dataset", "ProjectStub", "Ref", "SourceFile", "discover", "load_dataset"]
