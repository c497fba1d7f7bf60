"""The County Governor office's pages, under /office/: the round's applications and their
assessment, the prioritisation board and decisions, and exports. One namespace: "office"."""

from . import urls_assessment, urls_decisions, urls_exports

app_name = "office"
urlpatterns = urls_assessment.urlpatterns + urls_decisions.urlpatterns + urls_exports.urlpatterns
