# Display formats only; input formats stay Django's (forms post ISO dates).
# "b" is the month's lowercase abbreviation ("dic"), as Spanish writes it.
DATE_FORMAT = "j b Y"
SHORT_DATE_FORMAT = "j b Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j b Y H:i"
SHORT_DATETIME_FORMAT = "j b Y H:i"
MONTH_DAY_FORMAT = "j b"
