"""Default file permissions for the system roles (see apps/accounts/roles.py).

Everyone may upload; rights on a file come from uploading it, a share, or the record it is
attached to. Roles that hold a right on every file: org admins (all) and auditors (read).
"""

from apps.accounts import roles

# Auditors read every file (their "*.view_*") and change nothing, uploads included.
DEFAULT_PERMISSIONS = {name: ["files.add_file"] for name in roles.SYSTEM_ROLES if name != roles.AUDITOR}
