"""The limits that bound reading one YAML file (size, aliases, values, nesting)."""

#: Largest accepted input, in bytes. Checked with ``stat()`` before the file is read.
MAX_FILE_BYTES = 20 * 1024 * 1024

#: Largest number of alias uses (``*name``) while constructing one document. Uses inside an
#: aliased subtree count again every time that subtree is expanded, so a "billion laughs" document
#: hits this limit after a few thousand steps instead of expanding to 10**9 nodes.
MAX_ALIASES = 10_000

#: Largest number of constructed values (scalars, lists and mappings) in one document, counting
#: every expansion of an aliased subtree. A legitimate 20 MB file has well under 2 million.
MAX_NODES = 2_000_000

#: Deepest accepted nesting of lists/mappings (the root is depth 0). Real data is < 15 deep.
#: (libyaml itself refuses nesting beyond 1000 levels; that is reported as ``yaml.too-deep`` too.)
MAX_DEPTH = 100
