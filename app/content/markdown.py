"""Lesson Markdown to safe HTML: markdown-it-py with raw HTML off, math as sanitized MathML."""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

import latex2mathml.converter
import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin

# MathML Core elements and the presentational attributes latex2mathml emits. Anything else
# (\href's href, raw HTML smuggled through \text{...}) is dropped by nh3.
_MATH_TAGS = set(
    "math mrow mi mo mn ms mtext mspace msub msup msubsup mfrac msqrt mroot mover munder"
    " munderover mtable mtr mtd mstyle mpadded mphantom menclose semantics annotation".split()
)
_MATH_ATTRS = {
    "math": {"display", "xmlns", "alttext"},
    "mo": set(
        "stretchy fence separator lspace rspace form largeop movablelimits minsize maxsize"
        " symmetric".split()
    ),
    "mi": {"mathvariant"},
    "mn": {"mathvariant"},
    "mtext": {"mathvariant"},
    "mstyle": {"displaystyle", "scriptlevel", "mathvariant"},
    "mfrac": {"linethickness"},
    "mover": {"accent"},
    "munder": {"accentunder"},
    "mtable": {"columnalign", "rowspacing", "columnspacing", "columnlines", "rowlines"},
    "mtd": {"columnalign"},
    "mspace": {"width"},
    "menclose": {"notation"},
}

_SAFE_SCHEMES = {"http", "https", "mailto"}

# A fence whose info string is one of these names is rendered by the loader (lesson_md.py),
# which validates its YAML body first: a widget becomes a placeholder element that the front
# end fills in, a diagram becomes an inline SVG figure, a check marks where its questions go.
WIDGETS = frozenset({"rnn-stepper", "unit-activations", "diagram", "check"})


def latex_to_mathml(latex: str, *, display: bool) -> str:
    """Return sanitized MathML for `latex`, or the escaped source if it does not convert."""
    try:
        mathml = latex2mathml.converter.convert(latex, display="block" if display else "inline")
    except Exception:  # latex2mathml raises many exception types on malformed input
        return f'<code class="math-error">{html.escape(latex)}</code>'
    # The source as alttext: what "Listen" turns into words, and a fallback for assistive tech.
    alt = html.escape(" ".join(latex.split()), quote=True)
    mathml = mathml.replace("<math ", f'<math alttext="{alt}" ', 1)
    return nh3.clean(mathml, tags=_MATH_TAGS, attributes=_MATH_ATTRS, link_rel=None)


def _validate_link(url: str) -> bool:
    """Allow only http(s), mailto and relative links (no javascript:, data:, file:...)."""
    scheme = urlsplit(url.strip()).scheme.lower()
    return scheme == "" or scheme in _SAFE_SCHEMES


def _math_renderer(content: str, options: dict[str, Any]) -> str:
    return latex_to_mathml(content, display=bool(options.get("display_mode")))


def widget_name(token: Token) -> str | None:
    """Return the widget a fence places (the first word of its info string), or None."""
    if token.type != "fence":
        return None
    name = token.info.strip().split(" ")[0]
    return name if name in WIDGETS else None


def set_widget_html(token: Token, html: str) -> None:
    """Make a widget fence render as `html` (the loader validates its config first)."""
    token.meta["widget_html"] = html


def focusable(html_block: str) -> str:
    """Return `html_block` with its first tag made reachable by keyboard (tabindex 0).

    Tables, code and display math scroll sideways on a phone; a scrolling region that the
    keyboard cannot reach cannot be read by keyboard (WCAG 2.1.1, axe's
    scrollable-region-focusable)."""
    head, sep, rest = html_block.partition(">")
    return f'{head} tabindex="0"{sep}{rest}' if sep else html_block


def make_renderer() -> MarkdownIt:
    """Return a markdown-it instance; widget fences render as set by `set_widget_html`;
    tables, code blocks and display math are keyboard-reachable scrolling regions."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": True})
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    md.use(dollarmath_plugin, allow_space=True, allow_digits=False, renderer=_math_renderer)
    md.validateLink = _validate_link  # type: ignore[method-assign]
    rules = md.renderer.rules  # type: ignore[attr-defined]
    default_fence, default_code = rules["fence"], rules["code_block"]
    default_math = rules["math_block"]

    def fence(
        renderer: object, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        token = tokens[idx]
        if "widget_html" in token.meta:
            return str(token.meta["widget_html"])
        return focusable(str(default_fence(tokens, idx, options, env)))

    def code_block(
        renderer: object, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return focusable(str(default_code(tokens, idx, options, env)))

    def math_block(
        renderer: object, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return focusable(str(default_math(tokens, idx, options, env)))

    def table_open(
        renderer: object, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        tokens[idx].attrSet("tabindex", "0")
        return str(md.renderer.renderToken(tokens, idx, options, env))  # type: ignore[attr-defined]

    def optional(
        renderer: object, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        if tokens[idx].nesting != 1:
            return "</aside>\n"
        return (
            '<aside class="optional" aria-label="Optional">\n'
            '<p class="optional-label">Optional: go deeper, or skip ahead.</p>\n'
        )

    # `::: optional` ... `:::` marks material a student may skip (the page labels it).
    container_plugin(md, "optional", render=optional)
    md.add_render_rule("fence", fence)
    md.add_render_rule("code_block", code_block)
    md.add_render_rule("math_block", math_block)
    md.add_render_rule("table_open", table_open)
    return md


_WIDGET_NAMES = {"rnn-stepper": "network stepper", "unit-activations": "unit viewer"}


def widget_placeholder(name: str, config: dict[str, Any], widget_id: str) -> str:
    """Return the element a widget's script mounts on; config travels as escaped JSON.

    Without JavaScript the element keeps its caption, so the text still says what to see.
    """
    data = html.escape(json.dumps(config, sort_keys=True), quote=True)
    caption = str(config.get("caption") or "")
    shown = f'<p class="widget-caption">{html.escape(caption)}</p>' if caption else ""
    label = _WIDGET_NAMES.get(name, "widget")
    action = (
        "see a trained network read your text"
        if name == "unit-activations"
        else ("step a real network")
    )
    return (
        f'<div class="widget" id="{html.escape(widget_id)}" data-widget="{html.escape(name)}" '
        f'data-config="{data}">{shown}<p class="widget-fallback">This interactive {label} '
        f"needs JavaScript: turn it on to {action} here.</p></div>\n"
    )
