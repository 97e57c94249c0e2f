"""What a page offers to post, read from its HTML, and hostile values to post there.

Used by test_forms_fuzzed.py: each page of the URLconf is fetched, its <form>s are parsed
(input, select, textarea and named buttons, with their types, options and current values), and
hypothesis draws POST bodies from them. Reading the forms from the pages themselves means a new
form view is fuzzed the day it lands, with the fields it really has.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from hypothesis import strategies as st


@dataclass
class Field:
    name: str
    kind: str  # the input's type, or "select", "textarea", "button"
    value: str = ""  # what the page shows (a checkbox's value when it is ticked)
    options: list[str] = field(default_factory=list)
    multiple: bool = False
    checked: bool = False


@dataclass
class Form:
    page: str  # the URL the form was found on
    action: str  # path (and query) the form posts to
    method: str
    multipart: bool
    fields: list[Field] = field(default_factory=list)

    def defaults(self) -> dict[str, list[str]]:
        """What a browser would send on submit without touching anything (no button)."""
        data: dict[str, list[str]] = {}
        for f in self.fields:
            if f.kind in {"button", "submit", "file", "image", "reset"}:
                continue
            if f.kind in {"checkbox", "radio"}:
                if f.checked:
                    data.setdefault(f.name, []).append(f.value or "on")
                continue
            if f.kind == "select":
                if f.value:
                    data.setdefault(f.name, []).append(f.value)
                elif f.options and not f.multiple:
                    data.setdefault(f.name, []).append(f.options[0])
                continue
            data.setdefault(f.name, []).append(f.value)
        return data

    @property
    def field_names(self) -> list[str]:
        return sorted({f.name for f in self.fields})


class _FormParser(HTMLParser):
    """Every <form> of a page with its controls. Controls outside a form that name it with
    form="id" join it; options are collected per <select>."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self.by_id: dict[str, Form] = {}
        self.orphans: list[tuple[str, Field]] = []
        self.current: Form | None = None
        self.select: Field | None = None
        self.option_value: str | None = None
        self.option_text = ""
        self.option_selected = False
        self.textarea: Field | None = None

    def _target(self, attrs: dict) -> Form | None:
        owner = attrs.get("form")
        if owner:
            return self.by_id.get(owner)
        return self.current

    def _add(self, attrs: dict, control: Field) -> None:
        target = self._target(attrs)
        if target is not None:
            target.fields.append(control)
        elif attrs.get("form"):
            self.orphans.append((attrs["form"], control))

    def handle_starttag(self, tag, attrs_list):
        attrs = {k: (v if v is not None else "") for k, v in attrs_list}
        if tag == "form":
            action = attrs.get("action") or self.page
            parts = urlsplit(urljoin(self.page, action))
            self.current = Form(
                page=self.page,
                action=parts.path + (f"?{parts.query}" if parts.query else ""),
                method=(attrs.get("method") or "get").lower(),
                multipart="multipart" in (attrs.get("enctype") or ""),
            )
            self.forms.append(self.current)
            if attrs.get("id"):
                self.by_id[attrs["id"]] = self.current
        elif tag == "input" and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            self._add(
                attrs,
                Field(attrs["name"], kind, value=attrs.get("value", ""), checked="checked" in attrs),
            )
        elif tag == "button" and attrs.get("name"):
            self._add(attrs, Field(attrs["name"], "button", value=attrs.get("value", "")))
        elif tag == "select" and attrs.get("name"):
            self.select = Field(attrs["name"], "select", multiple="multiple" in attrs)
            self._add(attrs, self.select)
        elif tag == "option" and self.select is not None:
            self.option_value = attrs.get("value")
            self.option_text = ""
            self.option_selected = "selected" in attrs
        elif tag == "textarea" and attrs.get("name"):
            self.textarea = Field(attrs["name"], "textarea")
            self._add(attrs, self.textarea)

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea.value += data
        elif self.option_value is None and self.select is not None:
            self.option_text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self._close_option()
            self.select = None
        elif tag == "option":
            self._close_option()
        elif tag == "textarea":
            self.textarea = None

    def _close_option(self):
        if self.select is None:
            return
        if self.option_value is not None or self.option_text.strip():
            value = self.option_value if self.option_value is not None else self.option_text.strip()
            self.select.options.append(value)
            if self.option_selected and not self.select.value:
                self.select.value = value
        self.option_value, self.option_text, self.option_selected = None, "", False

    def close(self):
        super().close()
        for owner, control in self.orphans:
            if owner in self.by_id:
                self.by_id[owner].fields.append(control)


def forms_of(page: str, html: str) -> list[Form]:
    parser = _FormParser(page)
    parser.feed(html)
    parser.close()
    return parser.forms


# --- hostile values ----------------------------------------------------------------------

HOSTILE = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\u202eevil\u202c.exe",
    "\u200f\u200e",
    "مرحبا بالعالم",
    "👩🏽‍⚕️🏳️‍🌈" * 20,
    "\ud7ff\ue000\uffff",
    "𝕳𝖊𝖑𝖑𝖔",
    "9" * 40,
    "9" * 400,
    "-9223372036854775809",
    "9223372036854775808",
    "2147483648",
    "-2147483649",
    "4294967296",
    "1e309",
    "-1e309",
    "1e-400",
    "NaN",
    "Infinity",
    "-0",
    "0x1F",
    "1_000",
    "١٢٣",
    "99999999999999999999.99",
    "0.000000000000000000001",
    "0001-01-01",
    "1-01-01",
    "0000-00-00",
    "9999-12-31",
    "10000-01-01",
    "2026-02-30",
    "2026-13-01",
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "9999-12-31 23:59:59",
    "2026-03-08T02:30",
    "24:00",
    "23:59:60",
    "-1",
    "0",
    "true",
    "on",
    "None",
    "null",
    "[]",
    "{}",
    '{"a": [1, {"b": null}]}',
    "00000000-0000-0000-0000-000000000000",
    "ffffffff-ffff-ffff-ffff-ffffffffffff",
    "not-a-uuid",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "../../etc/passwd",
    "http://evil.example/",
    "//evil.example/",
    "javascript:alert(1)",
    "a" * 70_000,
]
hostile_text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=30))


def value_for(f: Field) -> st.SearchStrategy[str]:
    """A value for one control: mostly hostile, sometimes one the page itself offers (so the
    view gets past that field and reaches the next), sometimes a near miss of those."""
    own = [o for o in [f.value, *f.options] if o is not None]
    choices = [hostile_text]
    if own:
        choices.append(st.sampled_from(own))
    return st.one_of(*choices)


@st.composite
def post_body(draw, form: Form) -> dict[str, list[str]]:
    """The page's own defaults, with some fields spoiled, left out or repeated, and some
    keys the form never had."""
    data = {name: list(values) for name, values in form.defaults().items()}
    names = form.field_names
    if names:
        spoiled = draw(st.lists(st.sampled_from(names), max_size=min(len(names), 6), unique=True))
        for name in spoiled:
            control = next(f for f in form.fields if f.name == name)
            how = draw(st.sampled_from(["value", "missing", "repeated"]))
            if how == "missing":
                data.pop(name, None)
            elif how == "repeated":
                data[name] = draw(st.lists(value_for(control), min_size=2, max_size=4))
            else:
                data[name] = [draw(value_for(control))]
        buttons = [f for f in form.fields if f.kind in {"button", "submit"}]
        if buttons:
            button = draw(st.sampled_from(buttons))
            data.setdefault(button.name, []).append(button.value)
    extra = draw(
        st.dictionaries(
            st.one_of(
                st.sampled_from(["pk", "id", "next", "action", "q", "page", "a\x00b", "x" * 300]), st.text(max_size=8)
            ),
            st.lists(hostile_text, min_size=1, max_size=2),
            max_size=2,
        )
    )
    for key, values in extra.items():
        data.setdefault(key, values)
    return data


def names_read_by(view) -> list[str]:
    """For a view that takes a POST but shows no form of its own (an action button posts
    to it from elsewhere): the keys its source reads from request.POST, and the fields of the
    form classes it builds."""
    import inspect
    import re

    func = inspect.unwrap(view)
    try:
        source = inspect.getsource(func)
    except (OSError, TypeError):
        return []
    names = set(re.findall(r"POST(?:\.get|\.getlist|\.pop)?\(\s*[\"']([^\"']+)[\"']", source))
    names |= set(re.findall(r"POST\[\s*[\"']([^\"']+)[\"']\s*\]", source))
    module = inspect.getmodule(func)
    for class_name in re.findall(r"\b([A-Z]\w*Form)\(", source):
        form_class = getattr(module, class_name, None)
        names |= set(getattr(form_class, "base_fields", {}))
    return sorted(names)


def action_form(path: str, view) -> Form:
    """A form standing in for an action view: the names it reads, each as a text field."""
    return Form(
        page=path, action=path, method="post", multipart=False, fields=[Field(n, "text") for n in names_read_by(view)]
    )


# --- uploads --------------------------------------------------------------------------------

HOSTILE_FILENAMES = [
    "../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "/etc/passwd",
    "a\x00.pdf",
    "plan.pdf\x00.exe",
    "x" * 300 + ".pdf",
    "\u202efdp.exe",
    "invoice\u202egnp.pdf",
    "ＣＯＮ.pdf",
    "CON",
    ".htaccess",
    "",
    " ",
    "..",
    "😀.pdf",
    "report.pdf",
    "photo.png",
    "clients.csv",
]
FILE_CONTENTS = [
    b"",
    b"%PDF-1.4\n%%EOF\n",
    b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,
    "first_name,last_name,date_of_birth\nAna,Ruiz,0001-01-01\n\x00,\u202e,9999-12-31\n".encode(),
    b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>",
    b"\xff\xfe\x00\x00" * 64,
]
uploads = st.tuples(
    st.one_of(st.sampled_from(HOSTILE_FILENAMES), st.text(max_size=20)),
    st.one_of(st.sampled_from(FILE_CONTENTS), st.binary(max_size=512)),
)


def _quote(name: str) -> str:
    # As browsers send names in multipart headers (the HTML standard's escaping).
    return name.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


BOUNDARY = "fuzzfuzzfuzzBoUnDaRy"


def multipart(data: dict[str, list[str]], files: dict[str, tuple[str, bytes]]) -> bytes:
    """A multipart body written by hand, so a file name reaches the server exactly as drawn
    (Django's test client would strip it to its base name)."""
    parts = []
    for name, values in data.items():
        for value in values:
            parts.append(
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{_quote(name)}"\r\n\r\n'.encode()
                + value.encode("utf-8", "surrogatepass")
                + b"\r\n"
            )
    for name, (filename, content) in files.items():
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{_quote(name)}"; filename="{_quote(filename)}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode("utf-8", "surrogatepass")
            + content
            + b"\r\n"
        )
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()
