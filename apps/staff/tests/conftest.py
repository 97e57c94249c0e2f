from apps.staff import services
from apps.staff.models import COLUMNS, Staff


def save_staff(*, actor, staff: Staff | None = None, **values) -> Staff:
    """A record through staff_save; pay columns among the values travel as its Pay."""
    given = {name: values.pop(name) for name in Staff.PAY_FIELDS if name in values}
    pay = services.Pay(**given) if given else None
    return services.staff_save(staff=staff, actor=actor, pay=pay, **values)


def resave(staff: Staff, *, actor) -> Staff:
    """`staff` saved again through the service with its columns (pay too) as they are now on
    the instance."""
    return save_staff(staff=staff, actor=actor, **{column: getattr(staff, column) for column in COLUMNS})
