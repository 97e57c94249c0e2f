"""An organization's own CSS, parsed and rebuilt from an allow-list.

The stylesheet is served to every page of the organization, sign-in included, so what an
admin types must not become a way to run script, load things from elsewhere, or break out
of a <style> element (the theme preview inlines it). Rather than look for what is bad in
the text, the text is parsed with tinycss2 (which decodes escapes and drops comments, so
`\\65 xpression(` and `/**/@import` arrive as what they are) and a new stylesheet is written
from what is known to be harmless: plain selectors, a fixed list of visual properties whose
values are colours, lengths, numbers and keywords, and @media blocks of the same. Anything
else is refused with a message naming it; nothing is silently dropped, so the admin sees
why the page does not look as they wrote it.
"""

from __future__ import annotations

import re

import tinycss2
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from tinycss2 import ast

from apps.themes.variables import VARIABLES

MAX_BYTES = 20 * 1024
# calc(min(var(--sl-space), 2rem)) is three deep; thousands would exhaust the stack.
MAX_DEPTH = 8

# Visual properties only: nothing that loads a resource (cursor, list-style-image, content,
# mask, filter with url()), positions content over the page (position, z-index: a fake
# sign-in form drawn over the real one), or runs anything (behavior, -moz-binding).
PROPERTIES = frozenset(
    {
        "color",
        "background",
        "background-color",
        "border",
        "border-top",
        "border-right",
        "border-bottom",
        "border-left",
        "border-color",
        "border-width",
        "border-style",
        "border-radius",
        "outline",
        "outline-color",
        "outline-offset",
        "outline-width",
        "outline-style",
        "box-shadow",
        "text-shadow",
        "font-family",
        "font-size",
        "font-weight",
        "font-style",
        "line-height",
        "letter-spacing",
        "text-align",
        "text-decoration",
        "text-decoration-color",
        "text-decoration-thickness",
        "text-transform",
        "margin",
        "margin-top",
        "margin-right",
        "margin-bottom",
        "margin-left",
        "padding",
        "padding-top",
        "padding-right",
        "padding-bottom",
        "padding-left",
        "gap",
        "max-width",
        "min-height",
        "opacity",
    }
)
FUNCTIONS = frozenset(
    {
        "rgb",
        "rgba",
        "hsl",
        "hsla",
        "calc",
        "min",
        "max",
        "clamp",
        "var",
        "linear-gradient",
        "radial-gradient",
        "repeating-linear-gradient",
    }
)
SELECTOR_FUNCTIONS = frozenset({"not", "is", "where", "nth-child", "nth-last-child", "nth-of-type"})
UNITS = frozenset({"px", "rem", "em", "ex", "ch", "vh", "vw", "deg", "turn", "s", "ms"})
MEDIA_UNITS = frozenset({"px", "rem", "em"})
NTH_UNITS = frozenset({"n"})
VALUE_LITERALS = frozenset({",", "/", "+", "-", "*"})
SELECTOR_LITERALS = frozenset({".", ",", ">", "+", "~", ":", "*", "=", "|"})
MEDIA_LITERALS = frozenset({":", ","})
# Every name that survives is written back as it is: plain ASCII only, so the rebuilt CSS
# needs no escapes (an escape would be one more thing to read twice).
NAME = re.compile(r"^-{0,2}[a-zA-Z_][a-zA-Z0-9_-]*$")
STRING = re.compile(r"^[a-zA-Z0-9 _-]*$")
HEX = re.compile(r"^(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")


# Selectors that reach (nearly) all of the page: a rule on them that hides text hides everything,
# which the contrast check of the theme's colours cannot see.
BROAD_TYPES = frozenset({"html", "body", "main"})
# The smallest font size a broad rule may set, per unit (10px at the browser's 16px).
MIN_FONT_SIZE = {"px": 10.0, "rem": 0.625, "em": 0.625, "%": 62.5}
MIN_OPACITY = 0.5
# Properties whose value is the colour of the text itself.
TEXT_COLOUR_PROPERTIES = frozenset({"color", "-webkit-text-fill-color"})


class Refused(Exception):
    """One thing the allow-list does not take; its message names it."""


def _name(value: str, what: str) -> str:
    if not NAME.match(value) or _dangerous(value):
        raise Refused(_("The name “%(name)s” in %(what)s is not allowed.") % {"name": value[:40], "what": what})
    return value


def _dangerous(text: str) -> bool:
    lowered = text.lower()
    return any(word in lowered for word in ("expression", "javascript", "vbscript"))


def _nested(depth: int) -> None:
    if depth > MAX_DEPTH:
        raise Refused(_("Functions or brackets are nested too deeply."))


def _check_value(tokens: list, where: str, depth: int = 0) -> None:
    _nested(depth)
    for token in tokens:
        if isinstance(token, (ast.WhitespaceToken, ast.NumberToken, ast.PercentageToken)):
            continue
        if isinstance(token, ast.DimensionToken):
            if token.lower_unit not in UNITS:
                raise Refused(
                    _("The unit “%(unit)s” in %(where)s is not allowed.") % {"unit": token.unit, "where": where}
                )
        elif isinstance(token, ast.IdentToken):
            _name(token.value, where)
        elif isinstance(token, ast.HashToken):
            if not HEX.match(token.value):
                raise Refused(
                    _("“#%(value)s” in %(where)s is not a colour.") % {"value": token.value[:40], "where": where}
                )
        elif isinstance(token, ast.LiteralToken) and token.value in VALUE_LITERALS:
            continue
        elif isinstance(token, ast.StringToken):
            if not STRING.match(token.value):
                raise Refused(
                    _("Only letters, digits, spaces and hyphens may be quoted (in %(where)s).") % {"where": where}
                )
        elif isinstance(token, ast.FunctionBlock):
            if token.lower_name not in FUNCTIONS:
                raise Refused(
                    _("The function %(name)s() in %(where)s is not allowed.")
                    % {"name": token.name[:40], "where": where}
                )
            if token.lower_name == "var":
                named = [t for t in token.arguments if not isinstance(t, ast.WhitespaceToken)]
                if not named or not isinstance(named[0], ast.IdentToken) or named[0].value not in VARIABLES:
                    raise Refused(_("var() may name only the theme variables (in %(where)s).") % {"where": where})
            _check_value(token.arguments, where, depth + 1)
        else:
            raise Refused(_refusal(token, where))


def _refusal(token, where: str) -> str:
    if isinstance(token, ast.URLToken) or (isinstance(token, ast.FunctionBlock) and token.lower_name == "url"):
        return _("url() is not allowed (in %(where)s): a theme loads nothing.") % {"where": where}
    if isinstance(token, ast.AtKeywordToken):
        return _("@%(name)s is not allowed (in %(where)s).") % {"name": token.value[:40], "where": where}
    if isinstance(token, (ast.CurlyBracketsBlock, ast.SquareBracketsBlock, ast.ParenthesesBlock)):
        return _("Brackets or braces are not allowed in %(where)s.") % {"where": where}
    if isinstance(token, ast.LiteralToken):
        return _("“%(value)s” is not allowed in %(where)s.") % {"value": token.value, "where": where}
    return _("Something in %(where)s could not be read as CSS.") % {"where": where}


def _check_selector(tokens: list, depth: int = 0) -> str:
    _nested(depth)
    where = _("a selector")
    if not [t for t in tokens if not isinstance(t, ast.WhitespaceToken)]:
        raise Refused(_("A rule has no selector."))
    for token in tokens:
        if isinstance(token, ast.WhitespaceToken):
            continue
        if isinstance(token, (ast.IdentToken, ast.HashToken)):
            _name(token.value, where)
        elif isinstance(token, ast.NumberToken) or _unit_or_mark(token, NTH_UNITS, SELECTOR_LITERALS):
            continue  # combinators, classes, pseudo-classes, :nth-child(2n+1)
        elif isinstance(token, ast.SquareBracketsBlock):
            _check_selector_block(token.content, where)
        elif isinstance(token, ast.FunctionBlock) and token.lower_name in SELECTOR_FUNCTIONS:
            _check_selector(token.arguments, depth + 1)
        else:
            raise Refused(_refusal(token, where))
    return tinycss2.serialize(tokens).strip()


def _check_selector_block(tokens: list, where: str) -> None:
    """An attribute selector: [name], [name=value] or [name="value"]."""
    for token in tokens:
        if isinstance(token, ast.IdentToken):
            _name(token.value, where)
        elif isinstance(token, ast.StringToken):
            if not STRING.match(token.value):
                raise Refused(
                    _("Only letters, digits, spaces and hyphens may be quoted (in %(where)s).") % {"where": where}
                )
        elif not isinstance(token, ast.WhitespaceToken) and not (
            isinstance(token, ast.LiteralToken) and token.value in {"=", "~", "|", "^", "$", "*"}
        ):
            raise Refused(_refusal(token, where))


def _is_broad(tokens: list) -> bool:
    """Whether a selector (list) names `*`, html, body, main or :root anywhere in it, so that
    its rule reaches the whole page or all of its content."""
    previous = None
    for token in tokens:
        if isinstance(token, ast.WhitespaceToken):
            previous = None
            continue
        if isinstance(token, ast.LiteralToken) and token.value == "*":
            return True
        if isinstance(token, ast.IdentToken):
            after_mark = isinstance(previous, ast.LiteralToken) and previous.value in {".", ":"}
            if not after_mark and token.lower_value in BROAD_TYPES:
                return True
            if isinstance(previous, ast.LiteralToken) and previous.value == ":" and token.lower_value == "root":
                return True
        if isinstance(token, ast.FunctionBlock) and token.lower_name in {"is", "where"} and _is_broad(token.arguments):
            return True
        previous = token
    return False


def _meaningful(tokens: list) -> list:
    return [t for t in tokens if not isinstance(t, (ast.WhitespaceToken, ast.Comment))]


def _alpha_below_one(token) -> bool:
    """A colour token that lets what is behind it show through: transparent, #rgba/#rrggbbaa
    with alpha below full, rgb()/rgba()/hsl()/hsla() with an alpha below 1 (or 100%)."""
    if isinstance(token, ast.IdentToken):
        return token.lower_value == "transparent"
    if isinstance(token, ast.HashToken):
        value = token.value.lower()
        return (len(value) == 4 and value[3] != "f") or (len(value) == 8 and value[6:] != "ff")
    if isinstance(token, ast.FunctionBlock):
        if token.lower_name in {"rgb", "rgba", "hsl", "hsla"}:
            parts = [t for t in _meaningful(token.arguments) if not isinstance(t, ast.LiteralToken)]
            if len(parts) >= 4:
                alpha = parts[3]
                if isinstance(alpha, ast.NumberToken):
                    return alpha.value < 1
                if isinstance(alpha, ast.PercentageToken):
                    return alpha.value < 100
                return True  # an alpha that is not a plain number cannot be checked
            return False
        return any(_alpha_below_one(t) for t in token.arguments)
    return False


def _check_readable(name: str, tokens: list, *, broad: bool) -> None:
    """Refuse what makes text invisible or unreadably small while its colours pass the contrast
    check: see-through text, a faded-out element, and (on the whole page) tiny text."""
    if name in TEXT_COLOUR_PROPERTIES and any(_alpha_below_one(t) for t in tokens):
        raise Refused(
            _("The text colour in “%(name)s” may not be transparent or see-through: text must stay readable.")
            % {"name": name}
        )
    if name == "opacity":
        value = _meaningful(tokens)
        ok = len(value) == 1 and (
            (isinstance(value[0], ast.NumberToken) and value[0].value >= MIN_OPACITY)
            or (isinstance(value[0], ast.PercentageToken) and value[0].value >= MIN_OPACITY * 100)
        )
        if not ok:
            raise Refused(
                _("opacity must be a number of at least %(least)s (or %(percent)s%%): below that, text fades away.")
                % {"least": MIN_OPACITY, "percent": int(MIN_OPACITY * 100)}
            )
    if name == "font-size" and broad and not _font_size_ok(tokens):
        raise Refused(
            _(
                "font-size on *, html, body, main or :root must be at least 10px (0.625rem, 0.625em or 62.5%), "
                "written without arithmetic or viewport units."
            )
        )


def _font_size_ok(tokens: list) -> bool:
    for token in tokens:
        if isinstance(token, (ast.WhitespaceToken, ast.Comment)):
            continue
        if isinstance(token, ast.DimensionToken):
            least = MIN_FONT_SIZE.get(token.lower_unit)
            if least is None or token.value < least:
                return False
        elif isinstance(token, ast.PercentageToken):
            if token.value < MIN_FONT_SIZE["%"]:
                return False
        elif isinstance(token, ast.NumberToken):
            return False  # a bare number is 0 or not a font size
        elif isinstance(token, ast.IdentToken):
            if token.lower_value in {"xx-small", "x-small", "smaller"}:
                return False
        elif isinstance(token, ast.FunctionBlock):
            if token.lower_name not in {"min", "max", "clamp", "var"} or not _font_size_ok(token.arguments):
                return False
        elif isinstance(token, ast.LiteralToken) and token.value != ",":
            return False  # calc's - * / can subtract the size away
    return True


def _declarations(content: list, *, broad: bool = False) -> str:
    rebuilt = []
    for item in tinycss2.parse_blocks_contents(content, skip_comments=True, skip_whitespace=True):
        if isinstance(item, ast.ParseError):
            # The parser's own words are English and technical: a person needs where to look.
            raise Refused(_("A declaration could not be read: check its colons, semicolons and quotes."))
        if isinstance(item, ast.AtRule):
            raise Refused(_("@%(name)s is not allowed inside a rule.") % {"name": item.at_keyword[:40]})
        if not isinstance(item, ast.Declaration):
            raise Refused(_("Rules inside rules are not allowed."))
        name = item.lower_name
        if name.startswith("--"):
            if name not in VARIABLES:
                raise Refused(_("“%(name)s” is not a theme variable.") % {"name": name[:40]})
        elif name not in PROPERTIES:
            raise Refused(_("The property “%(name)s” is not allowed.") % {"name": name[:40]})
        where = _("the property “%(name)s”") % {"name": name}
        _check_value(item.value, where)
        _check_readable(name, item.value, broad=broad)
        value = tinycss2.serialize(item.value).strip()
        if not value:
            raise Refused(_("The property “%(name)s” has no value.") % {"name": name})
        rebuilt.append(f"{name}:{value}{' !important' if item.important else ''}")
    return ";".join(rebuilt)


def _unit_or_mark(token, units: frozenset[str], marks: frozenset[str]) -> bool:
    """A dimension in one of the units, or one of the punctuation marks."""
    return (isinstance(token, ast.DimensionToken) and token.lower_unit in units) or (
        isinstance(token, ast.LiteralToken) and token.value in marks
    )


def _media_query(tokens: list, depth: int = 0) -> str:
    _nested(depth)
    where = _("an @media query")
    for token in tokens:
        if isinstance(token, (ast.WhitespaceToken, ast.NumberToken)):
            continue
        if isinstance(token, ast.IdentToken):
            _name(token.value, where)
        elif _unit_or_mark(token, MEDIA_UNITS, MEDIA_LITERALS):
            continue
        elif isinstance(token, ast.ParenthesesBlock):
            _media_query(token.content, depth + 1)
        else:
            raise Refused(_refusal(token, where))
    return tinycss2.serialize(tokens).strip()


def _rule(rule: ast.QualifiedRule) -> str:
    selector = _check_selector(rule.prelude)
    return f"{selector}{{{_declarations(rule.content, broad=_is_broad(rule.prelude))}}}"


def _top_level(node, *, nested: bool) -> str:
    if isinstance(node, ast.QualifiedRule):
        return _rule(node)
    if isinstance(node, ast.AtRule):
        if node.lower_at_keyword != "media" or nested:
            raise Refused(_("@%(name)s is not allowed: only rules and @media.") % {"name": node.at_keyword[:40]})
        if node.content is None:
            raise Refused(_("An @media rule has no block."))
        query = _media_query(node.prelude)
        inner = tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True)
        return f"@media {query}{{{''.join(_top_level(n, nested=True) for n in inner)}}}"
    if isinstance(node, ast.ParseError):
        raise Refused(
            _("The CSS could not be read: check that every { has its } and that it holds rules only (no HTML).")
        )
    raise Refused(_("The CSS could not be read."))


def sanitize(css: str) -> str:
    """The admin's CSS rebuilt from the allow-list, or a ValidationError naming each thing
    refused. Comments are dropped; an empty input is an empty stylesheet."""
    if len(css.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise ValidationError(
            _("Custom CSS is limited to %(limit)s KB.") % {"limit": MAX_BYTES // 1024}, code="too_long"
        )
    refused: list[str] = []
    rebuilt: list[str] = []
    try:
        nodes = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    except RecursionError:
        # tinycss2 reads nested blocks recursively: thousands of "(" within the size limit.
        raise ValidationError(_("Functions or brackets are nested too deeply."), code="refused") from None
    for node in nodes:
        try:
            rebuilt.append(_top_level(node, nested=False))
        except Refused as exc:
            refused.append(str(exc))
    if refused:
        raise ValidationError([ValidationError(message, code="refused") for message in dict.fromkeys(refused)])
    # tinycss2 writes an empty comment between two tokens that would otherwise read as one
    # (`2n` then `+1`); a space keeps them apart as well, and no comment is served.
    result = "\n".join(rebuilt).replace("/**/", " ")
    # The allow-list admits no "<", "@" but @media, nor backslash; checked again on the
    # output, the form it will be served in.
    if "<" in result or "\\" in result or "@" in result.replace("@media ", ""):
        raise ValidationError(_("The CSS could not be read."), code="refused")
    return result
