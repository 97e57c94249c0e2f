from django.urls import path

from apps.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("session/keepalive/", views.keepalive, name="keepalive"),
    path("two-factor/", views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/manage/", views.two_factor_manage, name="two_factor_manage"),
    path("two-factor/backup-codes/", views.two_factor_backup_codes, name="two_factor_backup_codes"),
    path("two-factor/disable/", views.two_factor_disable, name="two_factor_disable"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        views.auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path("password/reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path(
        "password/reset/done/",
        views.auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("password/change/", views.password_change, name="password_change"),
    path("invitation/<uidb64>/<token>/", views.invitation_accept, name="invitation_accept"),
    path("verify-email/<uidb64>/<token>/", views.email_verify, name="email_verify"),
    path("verify-email/resend/", views.email_verification_resend, name="email_verification_resend"),
    path("profile/", views.profile, name="profile"),
    path("sessions/", views.sessions, name="sessions"),
    path("sessions/<uuid:pk>/revoke/", views.session_revoke, name="session_revoke"),
    path("sessions/revoke-others/", views.sessions_revoke_others, name="sessions_revoke_others"),
    path("people/", views.people, name="people"),
    path("people/invite/", views.invite, name="invite"),
    path("people/<uuid:pk>/", views.person, name="person"),
    path("people/<uuid:pk>/sessions/revoke/", views.person_sessions_revoke, name="person_sessions_revoke"),
    path("people/<uuid:pk>/two-factor/reset/", views.person_two_factor_reset, name="person_two_factor_reset"),
    path("people/<uuid:pk>/invitation/resend/", views.person_invitation_resend, name="person_invitation_resend"),
    path("people/<uuid:pk>/unlock/", views.person_unlock, name="person_unlock"),
    path("roles/", views.role_list, name="roles"),
    path("roles/new/", views.role_create, name="role_create"),
    path("roles/<uuid:pk>/", views.role_edit, name="role_edit"),
    path("roles/<uuid:pk>/delete/", views.role_delete, name="role_delete"),
    path("security/", views.security_settings, name="security"),
]
