from django.contrib.auth import views as auth_views
from django.urls import path

from apps.accounts.views import own, people, roles, security, sign_in, two_factor

app_name = "accounts"

urlpatterns = [
    path("sign-in/", sign_in.sign_in, name="sign_in"),
    path("sign-out/", sign_in.sign_out, name="sign_out"),
    path("session/keepalive/", sign_in.keepalive, name="keepalive"),
    path("two-factor/", two_factor.two_factor_verify, name="two_factor_verify"),
    path("two-factor/setup/", two_factor.two_factor_setup, name="two_factor_setup"),
    path("two-factor/manage/", two_factor.two_factor_manage, name="two_factor_manage"),
    path("two-factor/backup-codes/", two_factor.two_factor_backup_codes, name="two_factor_backup_codes"),
    path("two-factor/disable/", two_factor.two_factor_disable, name="two_factor_disable"),
    path("password/reset/", own.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path("password/reset/<uidb64>/<token>/", own.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("password/change/", own.password_change, name="password_change"),
    path("invitation/<uidb64>/<token>/", own.invitation_accept, name="invitation_accept"),
    path("verify-email/<uidb64>/<token>/", own.email_verify, name="email_verify"),
    path("verify-email/resend/", own.email_verification_resend, name="email_verification_resend"),
    path("profile/", own.profile, name="profile"),
    path("sessions/", own.sessions, name="sessions"),
    path("sessions/<uuid:pk>/revoke/", own.session_revoke, name="session_revoke"),
    path("sessions/revoke-others/", own.sessions_revoke_others, name="sessions_revoke_others"),
    path("people/", people.people, name="people"),
    path("people/invite/", people.invite, name="invite"),
    path("people/<uuid:pk>/", people.person, name="person"),
    path("people/<uuid:pk>/sessions/revoke/", people.person_sessions_revoke, name="person_sessions_revoke"),
    path("people/<uuid:pk>/two-factor/reset/", people.person_two_factor_reset, name="person_two_factor_reset"),
    path("people/<uuid:pk>/invitation/resend/", people.person_invitation_resend, name="person_invitation_resend"),
    path("people/<uuid:pk>/unlock/", people.person_unlock, name="person_unlock"),
    path("roles/", roles.role_list, name="roles"),
    path("roles/new/", roles.role_create, name="role_create"),
    path("roles/<uuid:pk>/", roles.role_edit, name="role_edit"),
    path("roles/<uuid:pk>/delete/", roles.role_delete, name="role_delete"),
    path("security/", security.security_settings, name="security"),
]
