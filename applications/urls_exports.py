"""Routes of the office side; collected into the "office" namespace by urls_office.py."""

urlpatterns = []
