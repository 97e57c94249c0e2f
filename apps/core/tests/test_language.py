def test_choosing_a_language_sets_the_cookie_and_returns_to_the_page(client_a):
    response = client_a.get("/language/es/?next=/admin/login/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/"
    assert response.cookies["django_language"].value == "es"
    assert client_a.get("/")["Content-Language"] == "es"


def test_a_redirect_to_another_site_is_refused(client_a):
    response = client_a.get("/language/es/?next=https://evil.example/phish")
    assert response["Location"] == "/"


def test_an_unknown_language_is_a_404(client_a):
    assert client_a.get("/language/xx/").status_code == 404


def test_the_switcher_names_each_language_in_its_own_words(client_a):
    html = client_a.get("/").content.decode()
    assert 'hreflang="es"' in html and "Español" in html and "English" in html


def test_account_pages_are_translated_to_spanish(client_a):
    client_a.cookies["django_language"] = "es"
    html = client_a.get("/accounts/sign-in/").content.decode()
    assert "Iniciar sesión" in html and "Correo electrónico" in html


def test_system_role_names_are_shown_in_the_readers_language(org_a):
    from conftest import signed_in

    admin = signed_in(org_a, "admin")
    admin.cookies["django_language"] = "es"
    html = admin.get("/accounts/roles/").content.decode()
    assert "Administrador de la organización" in html and "Profesional de apoyo directo" in html
