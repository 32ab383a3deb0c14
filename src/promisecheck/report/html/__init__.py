"""HTML reports: one autoescaping Jinja2 environment over the templates shipped in this package.

Each command has one module here (`render(result) -> str`, words from the terminal report's
word functions, charts as geometry from `charts`) and one template extending `base.html.j2`.
Every text from a proposal reaches the page through autoescaping, never by string pasting.
"""

from __future__ import annotations

from functools import cache

import jinja2

from promisecheck import __version__


@cache
def environment() -> jinja2.Environment:
    """Templates read from the installed package (no file paths: works from a wheel too)."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("promisecheck.report.html", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def page(template: str, *, title: str, **context: object) -> str:
    """A whole document: the named template filled in, with the shared style and footer."""
    return environment().get_template(template).render(title=title, version=__version__, **context)
