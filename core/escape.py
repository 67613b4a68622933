"""Data strings made safe for the place they land in, and names checked where they enter.

Every name, address or note comes from a user or a file, and each place that shows one reads
it in its own language:

- :func:`html` for HTML (the field sheet's print page, folium's ``DivIcon`` and the
  ``GeoJsonTooltip`` cells, which Leaflet puts into ``innerHTML``);
- :func:`js_template_html` for HTML that folium writes *inside a JavaScript template
  literal* (`` `...` ``): ``folium.Tooltip`` (a marker's ``tooltip=``) and ``folium.Popup``
  with ``Html(..., script=True)``. There ``${...}`` runs and a backtick ends the string even
  after :func:`html`, so `` ` ``, ``$`` and ``\\`` become HTML character references as well
  (Leaflet shows them as the characters; JavaScript never sees them);
- :func:`markdown` for everything Streamlit renders as Markdown (``st.markdown``,
  ``st.caption``, ``st.info`` / ``warning`` / ``error`` / ``success``, ``st.subheader``,
  widget and metric labels): the characters that form Markdown inline are backslash-escaped
  (and ``- + 1.`` at the start, ``www.``), line breaks become spaces, so no link, image,
  HTML, LaTeX, directive (``:red[...]``), list or table cell can be formed from data.

How folium 0.20 embeds each (read in its source): ``Tooltip`` -> ``bindTooltip(`<div>
{{ text }}</div>`)``, unescaped, in a template literal; ``Popup`` -> ``$(`{{ html }}`)``, a
template literal (``Html`` html-escapes plain text but leaves ``${`` and backticks);
``DivIcon(html=...)`` -> JSON with ``<>&'`` as ``\\u00XX`` (safe JavaScript, but Leaflet sets
it as HTML); ``GeoJson`` data -> ``tojson`` (safe JavaScript) and ``GeoJsonTooltip`` builds
``innerHTML`` from the properties at run time (so properties must be HTML-escaped; ``${``
in a property is not evaluated there).

:func:`clean_name` and :func:`clean_text` refuse what should never enter: control
characters (C0/C1, line and paragraph separators U+2028/U+2029, bidi overrides such as
U+202E, zero-width and other format characters), over-long and empty values.
"""

from __future__ import annotations

import html as _html
import re
import unicodedata

from core.problems import Problem, Term

_JS_TEMPLATE = {"`": "&#96;", "$": "&#36;", "\\": "&#92;", "\u2028": "&#8232;", "\u2029": "&#8233;"}
# what forms Markdown anywhere in a line: emphasis, code, links and images, HTML, LaTeX,
# tables, strikethrough, directives and emoji (:red[...], :smile:), entities, e-mail autolinks
_MD_INLINE = re.compile(r"([\\`*_{}\[\]()<>#!|~$:&@])")
_MD_WWW = re.compile(r"(?i)\b(www)\.")  # www.example.com would become a link
_MD_LINE_START = re.compile(r"^(\s*)([-+=]|\d+(?=\.))")  # list items, ordered lists
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\u0085\v\f]+")
_REFUSED_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}
_TEXT_ALLOWED = {"\n", "\r", "\t"}  # multi-line notes keep their line breaks and tabs


def _text(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def html(value) -> str:
    """Text as HTML text or attribute value: ``& < > " '`` become references.

    Examples
    --------
    >>> html('<img src=x onerror="alert(1)">')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    >>> html(None)
    ''
    """
    return _html.escape(_text(value), quote=True)


def js_template_html(value) -> str:
    """Text as HTML inside a JavaScript template literal (folium's ``Tooltip``, ``Popup``).

    Examples
    --------
    >>> js_template_html("${alert(1)}`<b>")
    '&#36;{alert(1)}&#96;&lt;b&gt;'
    >>> js_template_html("a\\\\b")
    'a&#92;b'
    """
    text = html(value)
    return "".join(_JS_TEMPLATE.get(c, c) for c in text)


def markdown(value) -> str:
    """Text that Streamlit's Markdown shows literally, on one line.

    Examples
    --------
    >>> markdown("[x](javascript:alert(1))")
    '\\\\[x\\\\]\\\\(javascript\\\\:alert\\\\(1\\\\)\\\\)'
    >>> markdown("网格 A\\n# 标题")
    '网格 A \\\\# 标题'
    >>> markdown("- 1.5 万元 +7"), markdown("www.evil.com")
    ('\\\\- 1.5 万元 +7', 'www\\\\.evil.com')
    """
    text = _MD_INLINE.sub(r"\\\1", _LINE_BREAKS.sub(" ", _text(value)))
    text = _MD_WWW.sub(r"\1\\.", text)
    return _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text, count=1)


def markdown_code(value) -> str:
    """Text as a Markdown code span (shown literally): backticks and line breaks, which
    would end or break the span, become an apostrophe and a space.

    Examples
    --------
    >>> markdown_code("高端`[x](y)")
    "`高端'[x](y)`"
    """
    return "`" + _LINE_BREAKS.sub(" ", _text(value)).replace("`", "'") + "`"


# ---- names and notes at input ------------------------------------------------------------


def _name_problem(key: str, field: str, max_len: int, length: int = 0) -> Problem:
    """A refused name: ``key`` (name.empty / name.too_long / name.control) naming the field
    (``name.field.<field>``: grid_name, grid_code, liaison_name, list_name, list_note,
    visit_notes), the limit and the length."""
    return Problem(key, {"field": Term(f"name.field.{field}"), "max": max_len, "n": length})


def _refused(c: str, allowed: set[str]) -> bool:
    return c not in allowed and unicodedata.category(c) in _REFUSED_CATEGORIES


def clean_name(
    value, field: str, max_len: int, *, allow_empty: bool = False, multiline: bool = False
) -> Problem | None:
    """The problem with a name as a user or file gives it, or None when it may be stored.

    The value is judged stripped (store ``value.strip()``): empty (unless ``allow_empty``),
    longer than ``max_len`` characters, or holding a control / format / separator character
    (line breaks and tabs only when ``multiline``).

    Examples
    --------
    >>> clean_name("  城关网格 ", "grid_name", 100) is None
    True
    >>> clean_name("网格\\u202e1", "grid_name", 100).key
    'name.control'
    >>> clean_name("x" * 101, "grid_name", 100).key, clean_name(" ", "grid_name", 100).key
    ('name.too_long', 'name.empty')
    >>> clean_name("x" * 101, "grid_name", 100).text("en")
    'The grid name has at most 100 characters (now 101).'
    """
    text = _text(value).strip()
    if not text:
        return None if allow_empty else _name_problem("name.empty", field, max_len)
    allowed = _TEXT_ALLOWED if multiline else set()
    if any(_refused(c, allowed) for c in text):
        return _name_problem("name.control", field, max_len, len(text))
    if len(text) > max_len:
        return _name_problem("name.too_long", field, max_len, len(text))
    return None


def clean_text(value, field: str, max_len: int) -> Problem | None:
    """:func:`clean_name` for free text (notes): may be empty, keeps line breaks and tabs."""
    return clean_name(value, field, max_len, allow_empty=True, multiline=True)
