"""Default staff permissions for the system roles (see apps/accounts/roles.py).

HR keeps staff records, pay included; program managers and schedulers read the directory,
certifications and training (they plan around them) but never pay; auditors read all but
pay, which stays with HR and admins.
"""

from apps.accounts import roles

_READ = [
    "staff.view_staff",
    "staff.view_certification",
    "staff.view_trainingprogram",
    "staff.view_trainingrecord",
    "staff.view_certificationrequirement",
]

DEFAULT_PERMISSIONS = {
    roles.HR_MANAGER: [
        "staff.*_staff",
        "staff.see_pay",  # not view_pay: auditors hold every view_* permission
        "staff.change_pay",
        "staff.reveal_ssn",
        "staff.import_staff",
        "staff.*_certification",
        "staff.*_trainingprogram",
        "staff.*_trainingrecord",
        "staff.*_certificationrequirement",
    ],
    roles.PROGRAM_MANAGER: _READ,
    roles.SCHEDULER: _READ,
}
