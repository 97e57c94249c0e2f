"""Signed, expiring tokens for links sent by email. Nothing about them is stored: each is an
HMAC over the user's current state, so it stops working once that state changes."""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class _ExpiringTokenGenerator(PasswordResetTokenGenerator):
    """Django's token generator with a lifetime of its own instead of PASSWORD_RESET_TIMEOUT."""

    def timeout_seconds(self) -> int:
        raise NotImplementedError

    def check_token(self, user, token):
        if not (user and token):
            return False
        try:
            ts = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        for secret in [self.secret, *self.secret_fallbacks]:
            if constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token):
                break
        else:
            return False
        return (self._num_seconds(self._now()) - ts) <= self.timeout_seconds()


class InvitationTokenGenerator(_ExpiringTokenGenerator):
    key_salt = "starline.accounts.invitation"

    def timeout_seconds(self) -> int:
        return settings.INVITATION_TIMEOUT_DAYS * 86400

    def _make_hash_value(self, user, timestamp):
        # Accepting the invitation sets a password and activates the user: the link dies.
        # The address is part of it too: correcting a mistyped address voids the old link.
        return f"{user.pk}{user.email}{user.password}{user.status}{timestamp}"


class EmailVerificationTokenGenerator(_ExpiringTokenGenerator):
    key_salt = "starline.accounts.email_verification"

    def timeout_seconds(self) -> int:
        return 3 * 86400

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.email}{user.email_verified}{timestamp}"


invitation_tokens = InvitationTokenGenerator()
email_verification_tokens = EmailVerificationTokenGenerator()
