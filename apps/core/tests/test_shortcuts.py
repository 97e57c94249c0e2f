"""Answers kept per process on every page's path: they must equal the long way round."""

from django.contrib.auth.models import Permission, _user_has_perm  # type: ignore[attr-defined]  # the long way round
from django.test import RequestFactory

from apps.accounts.models import User
from apps.core import navigation
from conftest import person


def test_model_level_permission_answers_are_the_backends_answers(org_a):
    perms = [f"{p.content_type.app_label}.{p.codename}" for p in Permission.objects.select_related("content_type")]
    with org_a:
        for user in User.objects.select_related("role"):
            for perm in perms:
                assert user.has_perm(perm) == _user_has_perm(user, perm, None), (user.email, perm)
        user.status = User.Status.SUSPENDED
        assert not any(user.has_perm(perm) for perm in perms)


def test_static_urls_are_worked_out_once_from_the_manifest(tmp_path):
    import json

    from apps.core.storage import StaticFilesStorage

    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"paths": {"css/a.css": "css/a.123.css"}, "version": "1.1", "hash": "x"})
    )
    storage = StaticFilesStorage(location=str(tmp_path), base_url="/static/")
    assert storage.url("css/a.css") == "/static/css/a.123.css"
    storage.hashed_files["css/a.css"] = "css/a.456.css"
    assert storage.url("css/a.css") == "/static/css/a.123.css"
    assert storage.url("css/a.css", force=True) == "/static/css/a.456.css"


def test_the_menu_is_the_same_from_the_kept_urls(org_a):
    from django.urls import NoReverseMatch, reverse

    request = RequestFactory().get("/clients/")
    with org_a:
        request.user = person(org_a, "admin")
        request.urlconf = None
        kept = navigation.items_for(request)
        expected = []
        for item in sorted(navigation._registry.values(), key=lambda i: (i.order, i.key)):
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            if item.permission and not request.user.has_perm(item.permission):
                continue
            expected.append((item.key, url, url != "/" and "/clients/".startswith(url)))
    assert [(i["key"], i["url"], i["active"]) for i in kept] == expected
    assert ("clients", "/clients/", True) in expected
