from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

portal_patterns = ([
    path("", views.home, name="home"),
    path("me/", views.dashboard, name="dashboard"),
], "portal")

urlpatterns = [
    path("", include(portal_patterns)),
    path("", include("schemes.urls")),
    path("applications/", include("applications.urls")),
    path("office/", include("applications.urls_office")),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
