"""Jinja2 rendering of every page the tool writes (run report, compare, sweep summary).

The templates, the ONE stylesheet (templates/style.css) and the table-sort script are package
data; pages inline them, so each page is a single file that needs no network.
"""

from __future__ import annotations

import base64
from functools import lru_cache

from fpxint_sim.report.units import binary_bytes, num, percent


@lru_cache(maxsize=1)
def _environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("fpxint_sim.report", "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
        lstrip_blocks=True)
    env.filters.update(num=num, percent=percent, kib=binary_bytes)
    return env


def png_data_uri(png: bytes) -> str:
    """A PNG as a data: URI for an <img src>."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def render_page(template: str, **context) -> str:
    """Render templates/<template> with the shared stylesheet and script inlined."""
    env = _environment()
    loader = env.loader
    style = loader.get_source(env, "style.css")[0]
    script = loader.get_source(env, "sort_table.js")[0]
    return env.get_template(template).render(stylesheet=style, sort_script=script, **context)
