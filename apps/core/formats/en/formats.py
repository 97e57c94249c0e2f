# Display formats only; input formats stay Django's (forms post ISO dates).
DATE_FORMAT = "M j, Y"
SHORT_DATE_FORMAT = "M j, Y"
TIME_FORMAT = "g:i A"
DATETIME_FORMAT = "M j, Y g:i A"
SHORT_DATETIME_FORMAT = "M j, Y g:i A"
MONTH_DAY_FORMAT = "M j"
