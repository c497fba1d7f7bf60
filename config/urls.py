"""The site's URLs: every app's pages under their prefixes. The "portal" namespace holds the site's
own pages (the front page, "My page", notifications), drawn by the app each belongs to."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

import home.views
import portal.views
import schemes.views

site_patterns = ([
    path("", schemes.views.home, name="home"),
    path("me/", home.views.dashboard, name="dashboard"),
    path("me/notifications/", portal.views.notifications, name="notifications"),
    path("me/notifications/read/", portal.views.notifications_read, name="notifications_read"),
    path("me/notifications/<int:pk>/", portal.views.notification_open, name="notification_open"),
    path("organisation/<int:pk>/settings/", portal.views.organisation_settings, name="organisation_settings"),
], "portal")

urlpatterns = [
    path("", include(site_patterns)),
    path("", include("schemes.urls")),
    path("applications/", include("applications.urls")),
    path("office/", include("casework.urls")),
    path("reminders/", include("reminders.urls")),
    path("reports/", include("reporting.urls")),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
