"""docxtpl's tag clean-up (``DocxTemplate.patch_xml``), keeping one source line per paragraph.

The engine compiles a part's XML as one Jinja template. For an error to name the paragraph a template
author sees ("正文 第12段", as ``wenshu template check`` numbers them: engine/paragraphs.py), every
paragraph of the *original* part starts a new line of the Jinja source: a newline goes before each
``<w:p`` before the clean-up. docxtpl's clean-up removes whole paragraphs and rows (``{%p …%}``,
``{%tr …%}``: the container is replaced by its tag) and joins paragraphs (``{%-``, ``-%}``); each of
those steps here puts the newlines it would delete back, where they change nothing:

* between XML elements (before or after the tag that replaced a row/paragraph);
* inside a Jinja tag, just before its closing ``%}``/``}}`` (whitespace to Jinja).

With the newlines removed, the result is exactly docxtpl's (docxtpl 0.20; tests/test_ooxml.py
compares both on every built-in template and the broken-template corpus). One difference, for a tag
already broken: a ``{`` at the end of one paragraph and ``{`` at the start of the next are not joined
into a tag across the paragraph break (``wenshu template check`` reports it as tpl.unclosed-tag).

After rendering, the newlines between elements are removed again (``strip_lines``).
"""

from __future__ import annotations

import re

from wenshu.engine.paragraphs import PARA_START

_NL = "\n"
# Marks newlines to be moved to the end of the tag they sit in (see _settle).
_HOLD = "\x01"


def number_lines(xml: str) -> str:
    """``xml`` with a newline before every paragraph: line n+1 of the result starts paragraph n."""
    return PARA_START.sub(lambda m: _NL + m.group(0), xml)


def _lost(before: str, after: str) -> int:
    return before.count(_NL) - after.count(_NL)


def _settle(xml: str) -> str:
    """Move held newlines to just before the closing delimiter of the tag they were put in."""
    if _HOLD not in xml:
        return xml
    return re.sub(_HOLD + r"+((?:(?![%}]\}).)*?)(-?[%}]\})",
                  lambda m: m.group(1) + _NL * (m.end(0) - m.start(0) - len(m.group(1)) - len(m.group(2))) + m.group(2),
                  xml, flags=re.DOTALL)



def _cell_tag(src_xml: str, tag: str, old_element: str, element: str) -> str:
    """A cell-level tag (``{% colspan … %}``, ``{% cellbg … %}``) turned into the cell's property
    ``element`` (``%s`` is the tag's expression), replacing ``old_element``; the tag's empty run goes."""

    def sub(m):
        cell_xml = m.group(1) + m.group(3)
        cell_xml = re.sub(r"<w:r[ >](?:(?!<w:r[ >]).)*<w:t></w:t>.*?</w:r>", "", cell_xml, flags=re.DOTALL)
        cell_xml = re.sub(old_element, "", cell_xml, count=1)
        out = re.sub(r"(<w:tcPr[^>]*>)", (r"\1" + element) % m.group(2), cell_xml)
        return out + _NL * max(0, _lost(m.group(0), out))

    return re.sub(r"(<w:tc[ >](?:(?!<w:tc[ >]).)*){%\s*" + tag + r"\s+([^%]*)\s*%}(.*?</w:tc>)", sub, src_xml,
                  flags=re.DOTALL)


def patch_xml(src_xml: str) -> str:
    """docxtpl 0.20's ``patch_xml`` (same steps, same regular expressions), newline-preserving."""
    # replace {<something>{ by {{   ( works with {{ }} {% and %} {# and #})
    src_xml = re.sub(
        r"(?<={)(<[^>]*>)+(?=[\{%\#])|(?<=[%\}\#])(<[^>]*>)+(?=\})",
        "",
        src_xml,
        flags=re.DOTALL,
    )

    # replace {{<some tags>jinja2 stuff<some other tags>}} by {{jinja2 stuff}}
    # (a tag cut by a paragraph break: the newlines go to the end of the tag)
    def striptags(m):
        text = m.group(0)
        out = re.sub("</w:t>.*?(<w:t>|<w:t [^>]*>)", "", text, flags=re.DOTALL)
        return out + _NL * _lost(text, out)

    src_xml = re.sub(
        r"{%(?:(?!%}).)*|{#(?:(?!#}).)*|{{(?:(?!}}).)*",
        striptags,
        src_xml,
        flags=re.DOTALL,
    )

    # manage table cell colspan and background colour ({% colspan n %}, {% cellbg colour %})
    src_xml = _cell_tag(src_xml, "colspan", r"<w:gridSpan[^/]*/>", '<w:gridSpan w:val="{{%s}}"/>')
    src_xml = _cell_tag(src_xml, "cellbg", r"<w:shd[^/]*/>", '<w:shd w:val="clear" w:color="auto" w:fill="{{%s}}"/>')

    # ensure space preservation
    src_xml = re.sub(
        r"<w:t>((?:(?!<w:t>).)*)({{.*?}}|{%.*?%})",
        r'<w:t xml:space="preserve">\1\2',
        src_xml,
        flags=re.DOTALL,
    )
    src_xml = re.sub(
        r"({{r\s.*?}}|{%r\s.*?%})",
        r'</w:t></w:r><w:r><w:t xml:space="preserve">\1</w:t></w:r><w:r><w:t xml:space="preserve">',
        src_xml,
        flags=re.DOTALL,
    )

    # {%- will merge with previous paragraph text (the paragraph breaks it removes: held, then moved
    # to the end of the tag)
    src_xml = re.sub(r"</w:t>(?:(?!</w:t>).)*?{%-", lambda m: "{%" + _HOLD * m.group(0).count(_NL), src_xml,
                     flags=re.DOTALL)
    src_xml = _settle(src_xml)
    # -%} will merge with next paragraph text
    src_xml = re.sub(
        r"-%}(?:(?!<w:t[ >]|{%|{{).)*?<w:t[^>]*?>", lambda m: _NL * m.group(0).count(_NL) + "%}", src_xml,
        flags=re.DOTALL,
    )

    def container(m):
        # the row/paragraph/run becomes its tag; its paragraph breaks stay before and after the tag
        whole, start, end = m.group(0), m.start(1) - m.start(0), m.end(2) - m.start(0)
        return _NL * whole[:start].count(_NL) + m.group(1) + " " + m.group(2) + _NL * whole[end:].count(_NL)

    for y in ["tr", "tc", "p", "r"]:
        # replace into xml code the row/paragraph/run containing
        # {%y xxx %} or {{y xxx}} template tag
        # by {% xxx %} or {{ xx }} without any surrounding <w:y> tags :
        # This is mandatory to have jinja2 generating correct xml code
        pat = (
            r"<w:%(y)s[ >](?:(?!<w:%(y)s[ >]).)*({%%|{{)%(y)s ([^}%%]*(?:%%}|}})).*?</w:%(y)s>"
            % {"y": y}
        )
        src_xml = re.sub(pat, container, src_xml, flags=re.DOTALL)

    for y in ["tr", "tc", "p"]:
        # same thing, but for {#y xxx #} (but not where y == 'r', since that
        # makes less sense to use comments in that context
        pat = (
            r"<w:%(y)s[ >](?:(?!<w:%(y)s[ >]).)*({#)%(y)s ([^}#]*(?:#})).*?</w:%(y)s>"
            % {"y": y}
        )
        src_xml = re.sub(pat, container, src_xml, flags=re.DOTALL)

    # add vMerge
    # use {% vm %} to make this table cell and its copies
    # be vertically merged within a {% for %}
    def v_merge_tc(m):
        def v_merge(m1):
            return (
                '<w:vMerge w:val="{% if loop.first %}restart{% else %}continue{% endif %}"/>'
                + m1.group(1)  # Everything between ``</w:tcPr>`` and ``<w:t>``.
                + "{% if loop.first %}"
                + m1.group(2)  # Everything before ``{% vm %}``.
                + m1.group(3)  # Everything after ``{% vm %}``.
                + "{% endif %}"
                + m1.group(4)  # ``</w:t>``.
            )

        return re.sub(
            r"(</w:tcPr[ >].*?<w:t(?:.*?)>)(.*?)(?:{%\s*vm\s*%})(.*?)(</w:t>)",
            v_merge,
            m.group(),
            # Everything between ``</w:tc>`` and ``</w:tc>`` with ``{% vm %}`` inside.
            flags=re.DOTALL,
        )

    src_xml = re.sub(
        r"<w:tc[ >](?:(?!<w:tc[ >]).)*?{%\s*vm\s*%}.*?</w:tc[ >]",
        v_merge_tc,
        src_xml,
        flags=re.DOTALL,
    )

    # Use ``{% hm %}`` to make table cell become horizontally merged within
    # a ``{% for %}``.
    def h_merge_tc(m):
        xml_to_patch = (
            m.group()
        )  # Everything between ``</w:tc>`` and ``</w:tc>`` with ``{% hm %}`` inside.

        def with_gridspan(m1):
            return (
                m1.group(1)  # ``w:gridSpan w:val="``.
                + "{{ "
                + m1.group(2)
                + " * loop.length }}"  # Content of ``w:val``, multiplied by loop length.
                + m1.group(3)  # Closing quotation mark.
            )

        def without_gridspan(m2):
            return (
                '<w:gridSpan w:val="{{ loop.length }}"/>'
                + m2.group(1)  # Everything between ``</w:tcPr>`` and ``<w:t>``.
                + m2.group(2)  # Everything before ``{% hm %}``.
                + m2.group(3)  # Everything after ``{% hm %}``.
                + m2.group(4)  # ``</w:t>``.
            )

        if re.search(r"w:gridSpan", xml_to_patch):
            # Simple case, there's already ``gridSpan``, multiply its value.

            xml = re.sub(
                r'(w:gridSpan w:val=")(\d+)(")',
                with_gridspan,
                xml_to_patch,
                flags=re.DOTALL,
            )
            xml = re.sub(
                r"{%\s*hm\s*%}",
                "",
                xml,  # Patched xml.
                flags=re.DOTALL,
            )
        else:
            # There're no ``gridSpan``, add one.
            xml = re.sub(
                r"(</w:tcPr[ >].*?<w:t(?:.*?)>)(.*?)(?:{%\s*hm\s*%})(.*?)(</w:t>)",
                without_gridspan,
                xml_to_patch,
                flags=re.DOTALL,
            )

        # Discard every other cell generated in loop.
        return "{% if loop.first %}" + xml + "{% endif %}"

    src_xml = re.sub(
        r"<w:tc[ >](?:(?!<w:tc[ >]).)*?{%\s*hm\s*%}.*?</w:tc[ >]",
        h_merge_tc,
        src_xml,
        flags=re.DOTALL,
    )

    def clean_tags(m):
        return (
            m.group(0)
            .replace(r"&#8216;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("“", '"')
            .replace("”", '"')
            .replace("‘", "'")
            .replace("’", "'")
        )

    # docxtpl: (?<=\{[\{%])(.*?)(?=[\}%]}) on a line; the newlines put at the end of a tag are allowed
    src_xml = re.sub(r"(?<=\{[\{%])(.*?\n*)(?=[\}%]})", clean_tags, src_xml)

    return src_xml


_BETWEEN = re.compile(r">\n+(?=<)")


def strip_lines(xml: str) -> str:
    """Remove the line structure again from rendered XML (newlines between elements)."""
    if "\n" not in xml:
        return xml
    return _BETWEEN.sub(">", xml)
