"""Lesson bodies: Markdown rendered by markdown-it-py, then sanitised by nh3 (the Ammonia sanitiser).

Raw HTML in the source is not rendered at all (escaped as text); the sanitiser is the second wall, so a
renderer bug or plugin can never put a script, an event handler or a javascript: link on the page.
"""

import nh3
from markdown_it import MarkdownIt

_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")

TAGS = {"p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre", "blockquote", "ul",
        "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td"}
# No style attributes: the site's CSP forbids inline styles (a table's column alignment is lost, nothing else).
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}, "code": {"class"}}


def render(source: str) -> str:
    """Safe HTML for a lesson body written in Markdown."""
    html = _renderer.render(source or "")
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow")
