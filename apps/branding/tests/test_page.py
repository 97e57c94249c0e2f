"""The branding page: who may open it, what it saves, what it refuses."""

import io

import pytest
from PIL import Image

from apps.branding.tests.images import SVG, image_bytes, upload
from apps.tenants.models import Organization
from conftest import signed_in

URL = "/settings/branding/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _form(**changes):
    return {"primary_color": "#1d4ed8", "secondary_color": "#0f766e", "font_family": "Lato", **changes}


def test_an_admin_sees_the_form_and_the_preview(org_a):
    response = signed_in(org_a, "admin").get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="color"' in html and f'value="{org_a.primary_color}"' in html
    assert "data-brand-preview" in html and "js/branding-preview.js" in html
    assert 'id="font-stacks"' in html and "Atkinson Hyperlegible" in html
    assert 'enctype="multipart/form-data"' in html


def test_an_admin_saves_colours_font_logo_and_favicon(org_a):
    response = signed_in(org_a, "admin").post(
        URL,
        _form(
            logo=upload(image_bytes(size=(2000, 1000))),
            favicon=upload(image_bytes("JPEG", size=(50, 50)), "icon.jpg", "image/jpeg"),
        ),
    )
    assert response.status_code == 302 and response["Location"] == URL
    org = Organization.objects.get(pk=org_a.pk)
    assert (org.primary_color, org.secondary_color, org.font_family) == ("#1d4ed8", "#0f766e", "Lato")
    assert org.logo.name.endswith(".png") and org.favicon.name.endswith(".png")
    assert org.logo.name.startswith(f"public/branding/{org.schema_name}/")
    with org.logo.open("rb") as handle:
        assert Image.open(io.BytesIO(handle.read())).size == (512, 256)
    with org.favicon.open("rb") as handle:
        assert Image.open(io.BytesIO(handle.read())).size == (64, 64)


def test_the_change_is_in_the_organizations_change_log(org_a):
    from apps.audit.models import LogEntry

    signed_in(org_a, "admin").post(URL, _form())
    with org_a:
        entry = LogEntry.objects.filter(object_pk=str(org_a.pk)).order_by("-timestamp").first()
    assert entry is not None and "primary_color" in entry.changes_dict


def test_colours_are_stored_in_lowercase(org_a):
    signed_in(org_a, "admin").post(URL, _form(primary_color="#1D4ED8"))
    assert Organization.objects.get(pk=org_a.pk).primary_color == "#1d4ed8"


@pytest.mark.parametrize("field", ["primary_color", "secondary_color"])
def test_a_colour_no_text_can_be_read_on_is_refused_with_the_ratio_and_nothing_saved(org_a, field):
    before = Organization.objects.get(pk=org_a.pk)
    response = signed_in(org_a, "admin").post(URL, _form(**{field: "#777777"}, logo=upload(image_bytes())))
    assert response.status_code == 400
    html = response.content.decode()
    assert "4.47:1" in html and "4.5:1" in html
    after = Organization.objects.get(pk=org_a.pk)
    assert (after.primary_color, after.secondary_color, after.font_family, after.logo.name) == (
        before.primary_color,
        before.secondary_color,
        before.font_family,
        before.logo.name,
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"primary_color": "blue"}, "primary_color", "#RRGGBB"),
        ({"secondary_color": "#12345"}, "secondary_color", "#RRGGBB"),
        ({"font_family": "Comic Sans MS"}, "font_family", "Comic Sans MS"),
    ],
)
def test_bad_values_are_refused_next_to_their_field(org_a, changes, field, message):
    response = signed_in(org_a, "admin").post(URL, _form(**changes))
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html and message in html
    assert Organization.objects.get(pk=org_a.pk).font_family == org_a.font_family


def test_an_svg_logo_is_refused_with_a_clear_message_and_the_colours_stay(org_a):
    response = signed_in(org_a, "admin").post(URL, _form(logo=upload(SVG, "logo.svg", "image/svg+xml")))
    assert response.status_code == 400
    assert "SVG images are not accepted" in response.content.decode()
    after = Organization.objects.get(pk=org_a.pk)
    assert after.primary_color == org_a.primary_color and not after.logo


def test_a_favicon_that_is_not_an_image_is_refused(org_a):
    fake = upload(b"\x89PNG\r\n\x1a\nthis is text", "icon.png")
    response = signed_in(org_a, "admin").post(URL, _form(favicon=fake))
    assert response.status_code == 400
    assert "not a PNG, JPEG, WebP or GIF image" in response.content.decode()
    assert not Organization.objects.get(pk=org_a.pk).favicon


def test_an_admin_removes_the_logo(org_a):
    admin = signed_in(org_a, "admin")
    admin.post(URL, _form(logo=upload(image_bytes())))
    assert Organization.objects.get(pk=org_a.pk).logo
    admin.post(URL, _form(remove_logo="on"))
    assert not Organization.objects.get(pk=org_a.pk).logo


@pytest.mark.parametrize("local", ["manager", "dsp", "nurse", "scheduler", "billing", "hr", "auditor", "outsider"])
def test_only_those_allowed_to_manage_branding_open_it(org_a, local):
    client = signed_in(org_a, local)
    assert client.get(URL).status_code == 403
    assert client.post(URL, _form(primary_color="#000000")).status_code == 403
    assert Organization.objects.get(pk=org_a.pk).primary_color == org_a.primary_color


def test_signed_out_visitors_are_sent_to_sign_in(client_a):
    response = client_a.get(URL)
    assert response.status_code == 302 and "sign-in" in response["Location"]


def test_an_admin_of_another_organization_cannot_change_this_ones_brand(org_a, org_b):
    # A's session means nothing on B's host: B's page sends them to sign in, B's brand stays.
    client = signed_in(org_a, "admin")
    client.defaults["HTTP_HOST"] = org_b.primary_host
    response = client.post(URL, _form(primary_color="#000000"))
    assert response.status_code in (302, 403, 404)
    assert Organization.objects.get(pk=org_b.pk).primary_color == org_b.primary_color
    assert Organization.objects.get(pk=org_a.pk).primary_color == org_a.primary_color


def test_a_replaced_logo_is_deleted_once_the_new_one_is_saved(org_a, django_capture_on_commit_callbacks):
    admin = signed_in(org_a, "admin")
    admin.post(URL, _form(logo=upload(image_bytes())))
    first = Organization.objects.get(pk=org_a.pk).logo
    assert first.storage.exists(first.name)
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(URL, _form(logo=upload(image_bytes(colour=(0, 0, 0)))))
    second = Organization.objects.get(pk=org_a.pk).logo
    assert second.name != first.name and second.storage.exists(second.name)
    assert not first.storage.exists(first.name)


def test_a_new_logo_is_logged_with_its_stored_name_before_and_after(org_a):
    from apps.audit.models import LogEntry

    client = signed_in(org_a, "admin")
    client.post(URL, _form(logo=upload(image_bytes())))
    first = Organization.objects.get(pk=org_a.pk).logo.name
    client.post(URL, _form(logo=upload(image_bytes("JPEG"), "photo.jpg", "image/jpeg")))
    second = Organization.objects.get(pk=org_a.pk).logo.name
    assert first != second and second.startswith(f"public/branding/{org_a.schema_name}/")
    with org_a:
        entry = LogEntry.objects.filter(object_pk=str(org_a.pk)).order_by("-timestamp").first()
    # Both sides the stored path, never the uploader's file name.
    assert entry is not None and entry.changes_dict["logo"] == [first, second]
    assert Organization.objects.get(pk=org_a.pk).logo.storage.exists(second)


def test_a_refused_save_leaves_no_new_image_in_storage(org_a, monkeypatch, tmp_path):
    from django.core.exceptions import ValidationError

    from apps.tenants import services as tenant_services

    def refuse(**kwargs):
        raise ValidationError({"name": ["refused"]})

    monkeypatch.setattr(tenant_services, "organization_update", refuse)
    from apps.branding import services

    with pytest.raises(ValidationError):
        services.branding_update(
            organization=Organization.objects.get(pk=org_a.pk),
            primary_color="#1d4ed8",
            secondary_color="#0f766e",
            font_family="Lato",
            logo=upload(image_bytes()),
        )
    assert not any(path.is_file() for path in tmp_path.rglob("*.png"))


@pytest.mark.parametrize(("colour", "shown"), [("#ffffff", "1.00:1"), ("#fde047", "1.31:1"), ("#ca8a04", "2.93:1")])
def test_a_primary_colour_that_vanishes_on_the_white_page_is_refused_at_its_field(org_a, colour, shown):
    # Text on it would read (dark text), but white buttons on white cards would not show.
    before = Organization.objects.get(pk=org_a.pk)
    response = signed_in(org_a, "admin").post(URL, _form(primary_color=colour))
    assert response.status_code == 400
    html = response.content.decode()
    error = html[html.index('id="id_primary_color_error"') :]
    assert shown in error[:600] and "3:1" in error[:600]
    assert Organization.objects.get(pk=org_a.pk).primary_color == before.primary_color


@pytest.mark.parametrize(("colour", "shown"), [("#ffffff", "1.00:1"), ("#fde047", "1.31:1")])
def test_a_secondary_colour_that_vanishes_on_the_white_page_is_refused_at_its_field(org_a, colour, shown):
    # Dark text would read on it, but secondary buttons in it would not show on the white page.
    before = Organization.objects.get(pk=org_a.pk)
    response = signed_in(org_a, "admin").post(URL, _form(secondary_color=colour))
    assert response.status_code == 400
    html = response.content.decode()
    error = html[html.index('id="id_secondary_color_error"') :]
    assert shown in error[:600] and "3:1" in error[:600] and "Secondary buttons" in error[:600]
    assert Organization.objects.get(pk=org_a.pk).secondary_color == before.secondary_color


@pytest.mark.parametrize("colour", ["#0f766e", "#334155"])
def test_the_demo_and_bench_secondary_colours_are_accepted(org_a, colour):
    response = signed_in(org_a, "admin").post(URL, _form(secondary_color=colour))
    assert response.status_code == 302
    assert Organization.objects.get(pk=org_a.pk).secondary_color == colour


def test_the_preview_warns_of_a_faint_secondary_colour_in_both_languages(org_a):
    client = signed_in(org_a, "admin")
    html = client.get(URL).content.decode()
    assert "Secondary buttons on the white page: {ratio}:1, below 3:1" in html
    client.cookies["django_language"] = "es"
    html = client.get(URL).content.decode()
    assert "Botones secundarios sobre la página blanca: {ratio}:1, menos de 3:1" in html


def test_the_spanish_page_refuses_a_white_secondary_in_spanish(org_a):
    client = signed_in(org_a, "admin")
    client.cookies["django_language"] = "es"
    response = client.post(URL, _form(secondary_color="#ffffff"))
    assert response.status_code == 400
    assert "1.00:1" in response.content.decode() and "botones secundarios" in response.content.decode()


def test_the_spanish_page_refuses_a_white_primary_in_spanish(org_a):
    client = signed_in(org_a, "admin")
    client.cookies["django_language"] = "es"
    response = client.post(URL, _form(primary_color="#ffffff"))
    assert response.status_code == 400
    assert "1.00:1" in response.content.decode() and "página blanca" in response.content.decode()


@pytest.mark.parametrize(
    ("language", "labels", "lines"),
    [
        (
            "en",
            ("Contrast of the primary colour", "Contrast of the secondary colour"),
            ("Text on the primary colour", "Text on the secondary colour"),
        ),
        (
            "es",
            ("Contraste del color principal", "Contraste del color secundario"),
            ("Texto sobre el color principal", "Texto sobre el color secundario"),
        ),
    ],
)
def test_the_previews_contrast_lines_say_which_colour_they_are_of(org_a, language, labels, lines):
    client = signed_in(org_a, "admin")
    client.cookies["django_language"] = language
    html = client.get(URL).content.decode()
    for label in labels:
        assert f'role="status" aria-label="{label}"' in html
    for line in lines:
        assert f'data-msg-ok="{line}: {{ratio}}:1' in html
    assert "Text on it:" not in html and "Texto sobre él:" not in html
