"""The themes pages at /settings/themes/: listing, writing, previewing, activating; who may."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.tenants.theme import contrast_ratio
from apps.themes.models import CustomTheme
from apps.themes.tests.support import make_theme
from conftest import signed_in

pytestmark = pytest.mark.django_db


def test_the_list_says_when_there_are_no_themes(org_a):
    response = signed_in(org_a, "admin").get(reverse("themes:index"))
    assert response.status_code == 200
    assert "No themes yet" in response.text


def test_the_list_shows_the_themes_and_which_is_active(org_a):
    make_theme(org_a, "Evergreen", active=True)
    make_theme(org_a, "Dusk")
    response = signed_in(org_a, "admin").get(reverse("themes:index"))
    assert "Evergreen" in response.text and "Dusk" in response.text
    assert response.text.count("badge-active") == 1


def test_an_admin_creates_a_theme_whose_css_is_stored_rebuilt(org_a):
    response = signed_in(org_a, "admin").post(
        reverse("themes:create"),
        {
            "theme_name": "Evergreen",
            "css_variables": "--sl-primary: #0F766E\n\n--sl-radius: 4px;",
            "custom_css": "/* header */ .site-header { background : var(--sl-primary) }",
        },
    )
    with org_a:
        theme = CustomTheme.objects.get()
    assert response.status_code == 302 and response.url == reverse("themes:detail", args=[theme.pk])
    assert theme.css_variables == {"--sl-primary": "#0f766e", "--sl-radius": "4px"}
    assert theme.custom_css == ".site-header{background:var(--sl-primary)}"
    assert not theme.is_active


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("custom_css", "@import url(//evil/x.css);", "@import"),
        ("custom_css", "a{background:url(//evil/x.png)}", "url()"),
        ("custom_css", "a{color:red}</style><script>alert(1)</script>", "could not be read"),
        ("css_variables", "--sl-primary: javascript:alert(1)", "not a colour"),
        ("css_variables", "--sl-evil: #fff", "not a theme variable"),
        ("css_variables", "no colon here", "Line 1"),
        ("theme_name", "", "required"),
    ],
)
def test_refused_input_is_named_and_nothing_is_saved(org_a, field, value, said):
    data = {"theme_name": "Evergreen", "css_variables": "", "custom_css": ""} | {field: value}
    response = signed_in(org_a, "admin").post(reverse("themes:create"), data)
    assert response.status_code == 400
    assert said in response.context["form"].errors[field][0] or said in " ".join(response.context["form"].errors[field])
    with org_a:
        assert not CustomTheme.objects.exists()


def test_an_admin_edits_a_theme(org_a):
    theme = make_theme(org_a)
    response = signed_in(org_a, "admin").post(
        reverse("themes:edit", args=[theme.pk]),
        {"theme_name": "Evergreen 2", "css_variables": "--sl-secondary: #333", "custom_css": ""},
    )
    assert response.status_code == 302
    with org_a:
        theme.refresh_from_db()
    assert (theme.theme_name, theme.css_variables, theme.custom_css) == ("Evergreen 2", {"--sl-secondary": "#333"}, "")


def test_the_edit_form_shows_the_saved_values(org_a):
    theme = make_theme(org_a, variables={"--sl-primary": "#0f766e", "--sl-radius": "4px"})
    response = signed_in(org_a, "admin").get(reverse("themes:edit", args=[theme.pk]))
    # One a line (JSONB keeps its own key order).
    assert "--sl-primary: #0f766e" in response.text and "--sl-radius: 4px" in response.text


def test_the_theme_page_frames_its_preview_in_a_sandbox(org_a):
    theme = make_theme(org_a)
    response = signed_in(org_a, "admin").get(reverse("themes:detail", args=[theme.pk]))
    assert response.status_code == 200
    preview_url = reverse("themes:preview", args=[theme.pk])
    assert f'sandbox="" tabindex="-1" src="{preview_url}"' in response.text


def test_the_theme_page_shows_no_template_comment(org_a):
    theme = make_theme(org_a)
    response = signed_in(org_a, "admin").get(reverse("themes:detail", args=[theme.pk]))
    assert response.status_code == 200
    assert "{#" not in response.text and "sandbox with no allowances" not in response.text


def test_header_text_in_the_organizations_own_primary_is_refused_with_the_ratio(org_a):
    # The theme sets only the text on the primary; the primary in effect is the branding's.
    data = {"theme_name": "Invisible", "css_variables": f"--sl-on-primary: {org_a.primary_color}", "custom_css": ""}
    client = signed_in(org_a, "admin")
    response = client.post(reverse("themes:create"), data)
    assert response.status_code == 400
    said = " ".join(response.context["form"].errors["css_variables"])
    assert "--sl-on-primary on --sl-primary" in said and "1.00:1" in said, said
    client.cookies["django_language"] = "es"
    response = client.post(reverse("themes:create"), data)
    said = " ".join(response.context["form"].errors["css_variables"])
    assert "--sl-on-primary sobre --sl-primary" in said and "1.00:1" in said, said
    with org_a:
        assert not CustomTheme.objects.exists()


def test_readable_header_text_on_the_organizations_primary_is_kept(org_a):
    data = {"theme_name": "Crisp", "css_variables": "--sl-on-primary: #ffffff", "custom_css": ""}
    assert contrast_ratio(org_a.primary_color, "#ffffff") >= 4.5  # the fixture's primary is a dark one
    response = signed_in(org_a, "admin").post(reverse("themes:create"), data)
    assert response.status_code == 302


def test_the_preview_applies_the_theme_and_forbids_scripts(org_a):
    theme = make_theme(org_a, css=".card>h1{color:#123456}")
    response = signed_in(org_a, "admin").get(reverse("themes:preview", args=[theme.pk]))
    assert response.status_code == 200
    policy = {part.strip() for part in response["Content-Security-Policy"].split(";")}
    assert {"script-src 'none'", "default-src 'none'", "sandbox", "frame-ancestors 'self'"} <= policy
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    # Inlined as rebuilt: the child combinator is not escaped (it would stop the rule working).
    assert ".card>h1{color:#123456}" in response.text
    assert "--sl-primary:#0f766e;" in response.text
    assert "<script" not in response.text


def test_a_row_written_around_the_sanitiser_is_not_inlined(org_a):
    theme = make_theme(org_a)
    with org_a:
        CustomTheme.objects.filter(pk=theme.pk).update(custom_css="</style><script>alert(1)</script>")
    response = signed_in(org_a, "admin").get(reverse("themes:preview", args=[theme.pk]))
    assert response.status_code == 404


def test_activating_makes_one_theme_active_at_a_time(org_a):
    first = make_theme(org_a, "First", active=True)
    second = make_theme(org_a, "Second")
    client = signed_in(org_a, "admin")
    response = client.post(reverse("themes:activate", args=[second.pk]))
    assert response.status_code == 302
    with org_a:
        assert list(CustomTheme.objects.filter(is_active=True)) == [second]
    with org_a:
        first.refresh_from_db()
    assert not first.is_active
    client.post(reverse("themes:deactivate", args=[second.pk]))
    with org_a:
        assert not CustomTheme.objects.filter(is_active=True).exists()


def test_the_database_refuses_a_second_active_theme(org_a):
    from django.db import IntegrityError, transaction

    make_theme(org_a, "First", active=True)
    with org_a, pytest.raises(IntegrityError), transaction.atomic():
        CustomTheme.objects.create(theme_name="Second", is_active=True)


def test_activating_and_deactivating_need_a_post(org_a):
    theme = make_theme(org_a)
    client = signed_in(org_a, "admin")
    assert client.get(reverse("themes:activate", args=[theme.pk])).status_code == 405
    assert client.get(reverse("themes:deactivate", args=[theme.pk])).status_code == 405
    with org_a:
        theme.refresh_from_db()
    assert not theme.is_active


@pytest.mark.parametrize("local", ["manager", "dsp", "auditor", "hr", "outsider"])
def test_people_who_are_not_admins_get_403(org_a, local):
    theme = make_theme(org_a)
    client = signed_in(org_a, local)
    for name in ["themes:index", "themes:create"]:
        assert client.get(reverse(name)).status_code == 403
    for name in ["themes:detail", "themes:edit", "themes:preview"]:
        assert client.get(reverse(name, args=[theme.pk])).status_code == 403
    for name in ["themes:activate", "themes:deactivate"]:
        assert client.post(reverse(name, args=[theme.pk])).status_code == 403
    with org_a:
        theme.refresh_from_db()
    assert not theme.is_active


def test_another_organizations_theme_is_404(org_a, org_b):
    theme = make_theme(org_a)
    client = signed_in(org_b, "admin")
    for name in ["themes:detail", "themes:edit", "themes:preview"]:
        assert client.get(reverse(name, args=[theme.pk])).status_code == 404
    for name in ["themes:activate", "themes:deactivate"]:
        assert client.post(reverse(name, args=[theme.pk])).status_code == 404
    assert client.post(reverse("themes:edit", args=[theme.pk]), {"theme_name": "Taken"}).status_code == 404
    with org_a:
        theme.refresh_from_db()
    assert (theme.theme_name, theme.is_active) == ("Evergreen", False)


def test_signed_out_visitors_are_sent_to_sign_in(client_a):
    response = client_a.get(reverse("themes:index"))
    assert response.status_code == 302 and reverse("accounts:sign_in") in response.url
