from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.index, name="index"),
    path("organisations/<int:pk>/", views.organisation_people, name="organisation"),
    path("organisations/<int:organisation_pk>/invite/", views.invite, name="organisation_invite"),
    path("offices/<int:pk>/", views.office_people, name="office"),
    path("offices/<int:office_pk>/invite/", views.invite, name="office_invite"),
    path("offices/<int:pk>/log/", views.office_log, name="office_log"),
    path("national/", views.national_people, name="national"),
    path("national/invite/", views.invite, name="national_invite"),
    path("invitations/<int:pk>/send-again/", views.invitation_again, name="invitation_again"),
    path("invitations/<int:pk>/withdraw/", views.invitation_withdraw, name="invitation_withdraw"),
    path("roles/<int:pk>/change/", views.membership_role, name="membership_role"),
    path("roles/<int:pk>/remove/", views.membership_remove_view, name="membership_remove"),
    path("persons/<int:pk>/active/", views.person_active, name="person_active"),
    path("join/<str:token>/", views.join, name="invitation"),
]
