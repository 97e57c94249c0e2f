"""Delivery beyond in-app: the channels' names. Each registers the Celery task that delivers
one Delivery of it (apps.py); notify() writes the Delivery rows in its own transaction and
hands their ids to the task once it commits."""

EMAIL = "email"
SMS = "sms"
