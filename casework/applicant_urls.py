"""The municipality's side of its decision, under /applications/ beside its application's pages:
lodging an appeal online. Namespace: "appeals". (The letter's download is `office:decision_letter`,
shared with the office.)"""

from django.urls import path

from .views import appeals

app_name = "appeals"
urlpatterns = [
    path("<int:pk>/appeal/", appeals.appeal_lodge, name="lodge"),
    path("appeals/<int:appeal_pk>/attachment/", appeals.appeal_attachment, name="attachment"),
]
