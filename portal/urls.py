from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

portal_patterns = ([
    path("", views.home, name="home"),
    path("me/", views.dashboard, name="dashboard"),
    path("me/notifications/", views.notifications, name="notifications"),
    path("me/notifications/read/", views.notifications_read, name="notifications_read"),
    path("me/notifications/<int:pk>/", views.notification_open, name="notification_open"),
], "portal")

urlpatterns = [
    path("", include(portal_patterns)),
    path("", include("schemes.urls")),
    path("applications/", include("applications.urls")),
    path("office/", include("applications.urls_office")),
    path("reminders/", include("reporting.urls_calendar")),
    path("reports/", include("reporting.urls")),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
