"""The accounts pages, by concern; apps/accounts/urls.py names each module's views."""
