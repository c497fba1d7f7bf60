from django.urls import path

from . import views

app_name = "schemes"
urlpatterns = [
    path("schemes/<slug:slug>/", views.scheme_detail, name="scheme_detail"),
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/documents/<int:document_pk>/", views.round_document, name="round_document"),
]
