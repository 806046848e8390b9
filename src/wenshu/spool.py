"""Per-project and per-document records kept on disk instead of in memory.

A district of tens of thousands of projects produces as many small records that must outlive the
pass that made them: project stubs for cross-file checks, evaluations and appraisals waiting for
their project, compact analyses for the industry and annual reports, one manifest row per
document. Held as Python objects they make memory grow with the district (and, allocated between
short-lived parse objects, they keep whole heap arenas alive). ``Spool`` keeps them in a private
SQLite file (standard library; its page cache is bounded) and gives each kind of record a small
mapping-like view, so memory stays flat however many projects there are.

A spool starts in memory and moves to its file only when it outgrows ``SPILL_BYTES`` (two
megabytes): a district of a few hundred projects never touches the disk, a large one keeps a
bounded amount in memory. Values are pickled; the file is private to one run and removed when the
spool is closed or garbage-collected, so nothing from it is ever read back across runs or versions.
A failing write (disk full) raises ``SpoolError`` with a Chinese message naming the file.
"""

from __future__ import annotations

import os
import pickle
import shutil
import sqlite3
import tempfile
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from wenshu.errors import Problem, WenshuError

_FLUSH = 512  # buffered writes per table before they go to SQLite in one executemany
_CACHE_KIB = 2048  # SQLite page cache per spool: bounded, whatever the number of records
SPILL_BYTES = 2 * 1024 * 1024  # an in-memory spool moves to its file beyond this many bytes of values


class SpoolError(WenshuError):
    """The spool file could not be written (disk full, no permission, folder removed)."""


def _error(e: BaseException, path: Path | None) -> SpoolError:
    errno = getattr(e, "errno", None)
    text = str(e)
    full = errno == 28 or "full" in text or "disk I/O" in text
    reason = "磁盘已满或文件大小超出限制" if full else (getattr(e, "strerror", None) or text)
    return SpoolError(Problem(
        code="spool.write", message=f"大规模数据的临时索引文件写入失败：{reason}。", file=str(path) if path else None,
        hint="请清理磁盘空间（或换一个空间充足的输出目录）后重试；批量生成可加 --resume 接着完成。"))


def _cleanup(conn: sqlite3.Connection, target: str, owned_folder: bool, creator: int) -> None:
    if os.getpid() != creator:
        return  # a forked worker exiting: the file belongs to the process that made it
    try:
        conn.close()
    finally:
        if not target:
            pass
        elif owned_folder:
            shutil.rmtree(target, ignore_errors=True)
        else:
            try:
                os.unlink(target)
            except OSError:
                pass



class Spool:
    """One SQLite file holding any number of named tables (maps, multimaps, sorted lists).

    ``folder``: where the file goes (a batch puts it in its state folder, beside the outputs);
    default a fresh temporary folder, removed with the spool.
    """

    def __init__(self, folder: Path | None = None, name: str = "spool.sqlite", spill_bytes: int | None = None):
        self._given = Path(folder) if folder is not None else None
        self._name = name
        self.path: Path | None = None  # set when the spool moves to its file
        self._spill = SPILL_BYTES if spill_bytes is None else spill_bytes
        self.bytes = 0
        self._conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        self._tables: dict[str, _Table] = {}
        self._finalizer = weakref.finalize(self, _cleanup, self._conn, "", False, os.getpid())
        self._frozen: bytes | Path | None = None  # after freeze(): the in-memory image, or the file
        self._pid = os.getpid()

    def freeze(self) -> None:
        """No more writes: from now on every process reads through a connection of its own (a forked
        worker opens one on first use, from the image of an in-memory spool or the file read-only),
        so several processes can read the spool at once."""
        self.flush()
        if self.path is None:
            self._frozen = self._conn.serialize()
        else:
            self._conn.close()
            self._frozen = self.path
            self._conn = self._reader()

    def _reader(self) -> sqlite3.Connection:
        if isinstance(self._frozen, Path):
            conn = sqlite3.connect(f"file:{self._frozen}?mode=ro", uri=True, isolation_level=None,
                                   check_same_thread=False)
            conn.execute(f"PRAGMA cache_size=-{_CACHE_KIB}")
            return conn
        conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        conn.deserialize(self._frozen)  # type: ignore[arg-type]
        return conn

    def connection(self) -> sqlite3.Connection:
        """This process's connection (a forked worker's own, for a frozen spool)."""
        if self._frozen is not None and os.getpid() != self._pid:
            self._conn, self._pid = self._reader(), os.getpid()
        return self._conn

    def _grew(self, n: int) -> None:
        self.bytes += n
        if self.path is None and self.bytes > self._spill:
            self._to_disk()

    def _to_disk(self) -> None:
        """Move the in-memory database to its file (SQLite's backup API), then carry on there."""
        owned = self._given is None
        folder = Path(tempfile.mkdtemp(prefix="wenshu-spool-")) if owned else self._given
        path = folder / self._name
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if path.exists():
                path.unlink()  # a leftover of a killed run: never read back
            disk = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
            for pragma in ("journal_mode=OFF", "synchronous=OFF", f"cache_size=-{_CACHE_KIB}", "temp_store=FILE",
                           "locking_mode=EXCLUSIVE"):
                disk.execute(f"PRAGMA {pragma}")
            self._conn.backup(disk)
        except (sqlite3.Error, OSError) as e:
            if owned:
                shutil.rmtree(folder, ignore_errors=True)
            raise _error(e, path) from None
        self._finalizer.detach()
        self._conn.close()
        self._conn, self.path = disk, path
        # A temporary folder is ours to remove; in a caller's folder only the file is.
        self._finalizer = weakref.finalize(self, _cleanup, disk, str(folder if owned else path), owned, os.getpid())

    def map(self, name: str) -> DiskMap:
        return self._table(name, DiskMap)  # type: ignore[return-value]

    def multimap(self, name: str) -> DiskMultiMap:
        return self._table(name, DiskMultiMap)  # type: ignore[return-value]

    def set(self, name: str) -> DiskSet:
        return self._table(name, DiskSet)  # type: ignore[return-value]

    def _table(self, name: str, cls: type) -> _Table:
        t = self._tables.get(name)
        if t is None:
            t = self._tables[name] = cls(self, name)
        elif not isinstance(t, cls):
            raise TypeError(f"spool table {name!r} is a {type(t).__name__}")
        return t

    def flush(self) -> None:
        for t in self._tables.values():
            t.flush()

    def close(self) -> None:
        self._finalizer()

    # Pickling a dataset or analysis (a forked worker never does; spawn would) is refused clearly.
    def __reduce__(self):
        raise TypeError("Spool cannot be pickled")



class _Table:
    unique = True

    def __init__(self, spool: Spool, name: str):
        self._spool = spool
        self._name = "t_" + "".join(c if c.isalnum() else "_" for c in name)
        self._pending: list[tuple] = []
        self._count = 0
        key = "k TEXT NOT NULL" + (" UNIQUE" if self.unique else "")
        self._db.execute(f"CREATE TABLE {self._name} (seq INTEGER PRIMARY KEY, {key}, o TEXT NOT NULL DEFAULT '', v BLOB)")
        if not self.unique:
            self._db.execute(f"CREATE INDEX {self._name}_k ON {self._name}(k)")
        self._db.execute(f"CREATE INDEX {self._name}_o ON {self._name}(o, seq)")

    @property
    def _db(self) -> sqlite3.Connection:
        return self._spool.connection()  # changes when the spool moves to its file, or in a forked reader

    def flush(self) -> None:
        if self._pending:
            verb = "INSERT OR REPLACE" if self.unique else "INSERT"
            rows, self._pending = self._pending, []
            try:
                self._db.execute("BEGIN")
                self._db.executemany(f"{verb} INTO {self._name} (k, o, v) VALUES (?, ?, ?)", rows)
                self._db.execute("COMMIT")
            except sqlite3.Error as e:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise _error(e, self._spool.path) from None
            self._spool._grew(sum(len(r[2]) + len(r[0]) for r in rows))

    def _put(self, key: str, value: Any, order: str = "") -> None:
        self._pending.append((key, order, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)))
        if len(self._pending) >= _FLUSH:
            self.flush()

    def _query(self, sql: str, args: tuple = ()) -> Iterator[tuple]:
        self.flush()
        # fetchmany: a large table streams past without being held as one list.
        cur = self._db.execute(sql, args)
        while True:
            rows = cur.fetchmany(256)
            if not rows:
                return
            yield from rows

    def __len__(self) -> int:
        self.flush()
        return self._db.execute(f"SELECT COUNT(*) FROM {self._name}").fetchone()[0]

    def key_count(self) -> int:
        """Number of distinct keys."""
        self.flush()
        return self._db.execute(f"SELECT COUNT(DISTINCT k) FROM {self._name}").fetchone()[0]

    def __bool__(self) -> bool:
        return len(self) > 0

    def keys(self) -> Iterator[str]:
        """Keys in insertion order (each once)."""
        seen_sql = f"SELECT k FROM {self._name} GROUP BY k ORDER BY MIN(seq)" if not self.unique else f"SELECT k FROM {self._name} ORDER BY seq"
        for (k,) in self._query(seen_sql):
            yield k

    def values(self, ordered: bool = False) -> Iterator[Any]:
        """Values in insertion order, or by their ``order`` text when ``ordered``.

        Read a page at a time (keyset paging), so other tables of the spool may be written while
        this runs; rows of this table written meanwhile may or may not be seen.
        """
        self.flush()
        if ordered:
            sql = f"SELECT o, seq, v FROM {self._name} WHERE (o, seq) > (?, ?) ORDER BY o, seq LIMIT 256"
            last: tuple = ("", -1)
        else:
            sql = f"SELECT '', seq, v FROM {self._name} WHERE seq > ? ORDER BY seq LIMIT 256"
            last = (-1,)
        while True:
            self.flush()
            rows = self._db.execute(sql, last).fetchall()
            if not rows:
                return
            last = (rows[-1][0], rows[-1][1]) if ordered else (rows[-1][1],)
            for _, _, v in rows:
                yield pickle.loads(v)

    def __iter__(self) -> Iterator[Any]:
        return self.keys()

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        if any(p[0] == key for p in self._pending):
            return True
        return self._db.execute(f"SELECT 1 FROM {self._name} WHERE k = ? LIMIT 1", (key,)).fetchone() is not None

    def seq(self, ordered: bool = False) -> SpooledSeq:
        """The values as a read-only, re-iterable sequence (see ``values``)."""
        return SpooledSeq(self, ordered)

    def __reduce__(self):
        raise TypeError("spool tables cannot be pickled")


class DiskMap(_Table):
    """str → value; a second ``put`` of a key replaces the value (and moves it to the end)."""

    def put(self, key: str, value: Any, order: str = "") -> None:
        self._put(key, value, order)

    def put_pickled(self, key: str, data: bytes, order: str = "") -> None:
        """``put`` of a value already pickled (where it was made: a worker process)."""
        self._pending.append((key, order, data))
        if len(self._pending) >= _FLUSH:
            self.flush()

    def __setitem__(self, key: str, value: Any) -> None:
        self._put(key, value)

    def get(self, key: str, default: Any = None) -> Any:
        self.flush()
        row = self._db.execute(f"SELECT v FROM {self._name} WHERE k = ?", (key,)).fetchone()
        return default if row is None else pickle.loads(row[0])

    def __getitem__(self, key: str) -> Any:
        missing = object()
        v = self.get(key, missing)
        if v is missing:
            raise KeyError(key)
        return v

    def items(self) -> Iterator[tuple[str, Any]]:
        for k, v in self._query(f"SELECT k, v FROM {self._name} ORDER BY seq"):
            yield k, pickle.loads(v)


class DiskSet(DiskMap):
    """A set of strings (``add`` and ``in``)."""

    def add(self, key: str) -> None:
        self._put(key, None)


class DiskMultiMap(_Table):
    """str → values in insertion order (``add`` appends); also an append-only list with sort keys."""

    unique = False

    def add(self, key: str, value: Any, order: str = "") -> None:
        self._put(key, value, order)

    def get_all(self, key: str) -> list[Any]:
        return [pickle.loads(v) for (v,) in self._query(f"SELECT v FROM {self._name} WHERE k = ? ORDER BY seq", (key,))]

    def get(self, key: str, default: Any = None) -> Any:
        found = self.get_all(key)
        return found if found else default

    def view(self, key: str) -> KeyView:
        return KeyView(self, key)


class KeyView:
    """The values of one key of a multimap as an appendable, re-iterable sequence."""

    def __init__(self, table: DiskMultiMap, key: str):
        self._t, self._k = table, key

    def append(self, value: Any) -> None:
        self._t.add(self._k, value)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._t.get_all(self._k))

    def __len__(self) -> int:
        self._t.flush()
        return self._t._db.execute(f"SELECT COUNT(*) FROM {self._t._name} WHERE k = ?", (self._k,)).fetchone()[0]

    def __bool__(self) -> bool:
        return len(self) > 0

    def __reduce__(self):
        raise TypeError("spool views cannot be pickled")


class SpooledSeq:
    """A read-only, re-iterable sequence over a spool table's values (insertion order, or the
    table's order text when ``ordered``), with lookup by key for maps."""

    def __init__(self, table: _Table, ordered: bool = False):
        self._t = table
        self._ordered = ordered

    def __iter__(self) -> Iterator[Any]:
        return self._t.values(ordered=self._ordered)

    def __len__(self) -> int:
        return len(self._t)

    def __bool__(self) -> bool:
        return len(self._t) > 0

    def get(self, key: str, default: Any = None) -> Any:
        return self._t.get(key, default)

    def __reduce__(self):
        raise TypeError("spooled sequences cannot be pickled")
