"""The site's URLs: every app's pages under their prefixes. The "portal" namespace holds the site's
own pages (the front page, "My page", notifications), drawn by the app each belongs to."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

import home.views
import portal.login_views
import portal.views
import schemes.views
from portal.models import IdentityProvider
from portal.oidc import callback_url_name, login_url_name

site_patterns = ([
    path("", schemes.views.home, name="home"),
    path("me/", home.views.dashboard, name="dashboard"),
    path("me/notifications/", portal.views.notifications, name="notifications"),
    path("me/notifications/read/", portal.views.notifications_read, name="notifications_read"),
    path("me/notifications/<int:pk>/", portal.views.notification_open, name="notification_open"),
    path("organisation/<int:pk>/settings/", portal.views.organisation_settings, name="organisation_settings"),
], "portal")

# Only where password login is offered (settings.PASSWORD_LOGIN_ENABLED; otherwise each is a 404).
# Django's own names, which its views and e-mails reverse.
password_reset_patterns = [
    path("", portal.views.PasswordResetView.as_view(), name="password_reset"),
    path("sent/", portal.views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("<uidb64>/<token>/", portal.views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("done/", portal.views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]

# A database that is down ends in a 503 page in the user's language, not the generic 500 (portal.views).
handler500 = "portal.views.server_error"

urlpatterns = [
    path("", include(site_patterns)),
    path("", include("schemes.urls")),
    path("applications/", include("applications.urls")),
    path("applications/", include("casework.applicant_urls")),  # the municipality's appeal of its decision
    path("office/", include("casework.urls")),
    path("reminders/", include("reminders.urls")),
    path("reports/", include("reporting.urls")),
    path("people/", include("people.urls")),
    path("archive/", include("archive.urls")),
    path("statistics/", include("stats.urls")),
    path("open-data/", include("opendata.urls")),  # public, read-only, versioned (v1/)
    path("login/", portal.login_views.LoginView.as_view(), name="login"),
    # OpenID Connect: one login and one callback URL per provider (a provider not configured refuses)
    *(path(f"login/{key}/", portal.login_views.OIDCLoginView.as_view(provider_key=key), name=login_url_name(key))
      for key in IdentityProvider.values),
    *(path(f"login/{key}/callback/", portal.login_views.OIDCCallbackView.as_view(provider_key=key),
           name=callback_url_name(key)) for key in IdentityProvider.values),
    path("logout/", portal.login_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", include(password_reset_patterns)),
    path("i18n/", include("django.conf.urls.i18n")),
    path(settings.ADMIN_URL_PATH, admin.site.urls),  # configurable: not the well-known /admin/
]
