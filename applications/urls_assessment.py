"""Routes of the office side; collected into the "office" namespace by urls_office.py."""

from django.urls import path

from .views import office

urlpatterns = [
    path("rounds/", office.rounds, name="rounds"),
    path("rounds/<int:round_pk>/", office.round_applications, name="round_applications"),
    path("applications/<int:pk>/", office.application, name="application"),
    path("applications/<int:pk>/assess/", office.assess, name="assess"),
    path("applications/<int:pk>/start-assessment/", office.start_assessment, name="start_assessment"),
    path("applications/<int:pk>/request-information/", office.request_information, name="request_information"),
]
