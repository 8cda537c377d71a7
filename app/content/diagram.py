"""SVG diagrams from a lesson folder, inlined into the page as sanitized, accessible figures.

A `diagram` fence in lesson.md names an SVG file beside it:

    ```diagram
    file: diagrams/rnn-unrolled.svg
    caption: The same cell, drawn once per step.
    ```

The SVG is inlined rather than linked: inline, `currentColor` takes the page's text colour, so
one file reads in light and dark mode, and lesson folders need no static route. Inlining puts
the author's markup into the page, so it passes an allowlist (nh3) first: shapes, text and
markers only, no scripts, styles, links, foreign objects or `use` references.
"""

from __future__ import annotations

import html
import re

import nh3

# Shapes, text and arrow markers: enough for a diagram, nothing that runs or fetches.
SHAPES = ("path", "line", "polyline", "polygon", "rect", "circle", "ellipse", "text", "tspan")
SVG_TAGS = {"svg", "g", "title", "desc", "defs", "marker", *SHAPES}
_GEOMETRY = {
    "x",
    "y",
    "x1",
    "y1",
    "x2",
    "y2",
    "dx",
    "dy",
    "cx",
    "cy",
    "r",
    "rx",
    "ry",
    "width",
    "height",
    "d",
    "points",
    "transform",
}
_PAINT = {
    "fill",
    "fill-opacity",
    "stroke",
    "stroke-width",
    "stroke-dasharray",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-opacity",
    "opacity",
    "marker-start",
    "marker-end",
    "font-size",
    "font-family",
    "font-weight",
    "font-style",
    "text-anchor",
    "dominant-baseline",
    "baseline-shift",
}
SVG_ATTRS = {
    "svg": {"xmlns", "viewBox", "role", "aria-labelledby", "preserveAspectRatio", "class"},
    "marker": {
        "id",
        "viewBox",
        "markerWidth",
        "markerHeight",
        "refX",
        "refY",
        "orient",
        "markerUnits",
    },
    "title": {"id"},
    "desc": {"id"},
    "g": {"id", "class", "aria-hidden"} | _GEOMETRY | _PAINT,
    **{tag: {"id", "class"} | _GEOMETRY | _PAINT for tag in SHAPES},
}

# fill and stroke may only inherit the page's text colour (or be off): any fixed colour is
# unreadable on one of a light and a dark background.
_PAINT_VALUE = re.compile(r'\b(?:fill|stroke)="\s*([^"]*?)\s*"')


def svg_problems(svg: str) -> list[str]:
    """Return what keeps `svg` from being an accessible, scalable, theme-proof diagram."""
    problems = []
    root = re.search(r"<svg\b[^>]*>", svg)
    if root is None:
        return ["is not an SVG: it has no <svg> element"]
    tag = root.group(0)
    if "viewBox=" not in tag:
        problems.append("<svg> needs a viewBox, so it scales to any width")
    if re.search(r"\s(width|height)=", tag):
        problems.append("<svg> must not set width or height: the page sizes it (375 px phones)")
    if 'role="img"' not in tag:
        problems.append('<svg> needs role="img"')
    labelled = re.search(r'aria-labelledby="([^"]+)"', tag)
    names = set(labelled.group(1).split()) if labelled else set()
    for element in ("title", "desc"):
        m = re.search(rf"<{element}\b([^>]*)>([^<]*)</{element}>", svg)
        if m is None or not m.group(2).strip():
            problems.append(f"needs a non-empty <{element}> (screen readers read it)")
        elif not (ref := re.search(r'\bid="([^"]+)"', m.group(1))) or ref.group(1) not in names:
            problems.append(f"<svg> needs aria-labelledby naming the id of its <{element}>")
    colours = sorted({v for v in _PAINT_VALUE.findall(svg) if v not in ("currentColor", "none")})
    if colours:
        problems.append(
            f"hard-codes {', '.join(colours)}: use currentColor so dark mode can read it"
        )
    return problems


def clean_svg(svg: str) -> str:
    """Return `svg` with everything outside the diagram allowlist removed."""
    return nh3.clean(
        svg, tags=SVG_TAGS, attributes=SVG_ATTRS, link_rel=None, strip_comments=True
    ).strip()


def diagram_figure(svg: str, caption: str) -> str:
    """Return the <figure> that shows a cleaned SVG with its visible caption."""
    shown = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return f'<figure class="diagram">{clean_svg(svg)}{shown}</figure>\n'
