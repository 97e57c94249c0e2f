"""Signing in a real browser on a phone-sized screen: a DSP draws their signature with the
mouse on the pad, agrees and signs; the drawing is stored as a PNG and the page says signed."""

import base64
import io

import pytest
from django.urls import reverse
from PIL import Image

from apps.accounts.models import User
from apps.core.tests.browser import assert_accessible, sign_in
from apps.documentation import services
from apps.documentation.models import ElectronicSignature, FormSubmission, FormTemplate, SubmissionEvent
from apps.documentation.tests.signing_factories import ANSWERS, STRUCTURE
from apps.tenants.models import Organization

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def waiting_for_the_dsp(demo, django_db_blocker):
    """A note the demo DSP (dsp@sunrise.test) submitted before its template asked for their
    signature: committed in the demo organization, like every browser test's data (the live
    server reads through its own connections, and alpha and beta stay as the other tests
    expect them); removed afterwards."""
    with django_db_blocker.unblock():
        sunrise = Organization.objects.get(subdomain="sunrise")
        with sunrise:
            dsp = User.objects.get(email="dsp@sunrise.test")
            template = services.template_create(
                actor=User.objects.get(email="admin@sunrise.test"),
                template_name="Browser signing note",
                form_structure=STRUCTURE,
            )
            submission = services.submission_start(template=template, author=dsp)
            services.submission_save(submission=submission, actor=dsp, answers=ANSWERS, submit=True)
            services.template_update(
                template=template, actor=None, requires_signature=True, signers=[FormTemplate.Signer.AUTHOR]
            )
        yield sunrise, submission, demo
        with sunrise:
            ElectronicSignature.objects.filter(form_submission=submission).delete()
            SubmissionEvent.objects.filter(submission=submission).delete()
            FormSubmission.objects.filter(pk=submission.pk).delete()
            template.versions.all().delete()
            template.delete()


def test_a_dsp_draws_a_signature_with_the_mouse_and_signs_on_a_phone(waiting_for_the_dsp, browser, settings):
    sunrise, submission, port = waiting_for_the_dsp
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        base = f"http://sunrise.localhost:{port}"
        sign_in(page, base, "dsp@sunrise.test", settings.DEMO_PASSWORD)
        page.goto(base + reverse("documentation:sign", args=[submission.pk]))
        assert "Walked to the park and back" in page.locator("main").inner_text()
        canvas = page.locator("canvas[data-signature-canvas]")
        canvas.scroll_into_view_if_needed()
        box = canvas.bounding_box()
        assert box and box["width"] <= 390 and page.evaluate("document.documentElement.scrollWidth") <= 390
        drawn = page.locator('input[name="sig-drawn"]')
        assert drawn.input_value() == ""
        # A stroke: press, move across the pad, release.
        page.mouse.move(box["x"] + 20, box["y"] + box["height"] * 0.7)
        page.mouse.down()
        for x, y in [(0.25, 0.3), (0.4, 0.75), (0.55, 0.25), (0.7, 0.7), (0.85, 0.35)]:
            page.mouse.move(box["x"] + box["width"] * x, box["y"] + box["height"] * y, steps=6)
        page.mouse.up()
        assert drawn.input_value().startswith("data:image/png;base64,")
        assert_accessible(page)
        page.get_by_label("I agree to sign electronically.").check()
        with page.expect_navigation():
            page.get_by_role("button", name="Sign", exact=True).click()
        text = page.locator("main").inner_text()
        assert "Signed." in text and "You signed this form" in text
        assert errors == []
    finally:
        context.close()
    with sunrise:
        signature = ElectronicSignature.objects.select_related("signer").get(form_submission=submission)
    assert signature.method == "drawn" and signature.signer.email == "dsp@sunrise.test"
    png = base64.b64decode(signature.signature_data.split(",", 1)[1])
    image = Image.open(io.BytesIO(png)).convert("RGBA")
    # Ink: some pixels are drawn (opaque), most of the pad is not.
    inked = sum(image.getchannel("A").histogram()[129:])
    assert 50 < inked < image.width * image.height / 4
