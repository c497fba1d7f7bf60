"""The County Governor office's pages, under /office/. Namespace: "office"."""

from django.urls import path

from .views import appeals, approvals, assessment, audit, board, decisions, exports, rounds

app_name = "office"
urlpatterns = [
    path("rounds/", rounds.rounds, name="rounds"),
    path("rounds/<int:round_pk>/", rounds.round_applications, name="round_applications"),
    path("rounds/<int:round_pk>/board/", board.board, name="board"),
    path("rounds/<int:round_pk>/board/accept/", board.board_accept, name="board_accept"),
    path("rounds/<int:round_pk>/send-letters/", board.send_letters, name="send_letters"),
    path("rounds/<int:round_pk>/decisions/", approvals.round_decisions, name="round_decisions"),
    path("rounds/<int:round_pk>/decisions/approve/", approvals.round_decisions_approve,
         name="round_decisions_approve"),
    path("rounds/<int:round_pk>/export.csv", exports.export_csv, name="export_csv"),
    path("rounds/<int:round_pk>/export.xlsx", exports.export_xlsx, name="export_xlsx"),
    path("applications/<int:pk>/", assessment.application, name="application"),
    path("applications/<int:pk>/assess/", assessment.assess, name="assess"),
    path("applications/<int:pk>/start-assessment/", assessment.start_assessment, name="start_assessment"),
    path("applications/<int:pk>/request-information/", assessment.request_information, name="request_information"),
    path("applications/<int:pk>/decision/", decisions.decision, name="decision"),
    path("applications/<int:pk>/decision/approve/", decisions.approve, name="decision_approve"),
    path("applications/<int:pk>/decision/send/", decisions.send, name="decision_send"),
    path("applications/<int:pk>/decision/return/", decisions.return_proposal, name="decision_return"),
    path("applications/<int:pk>/decision/letter/", decisions.letter, name="decision_letter"),
    path("applications/<int:pk>/decision/letter/preview/", decisions.letter_preview, name="decision_letter_preview"),
    path("applications/<int:pk>/appeals/new/", appeals.appeal_new, name="appeal_new"),
    path("appeals/<int:appeal_pk>/handle/", appeals.appeal_handle, name="appeal_handle"),
    path("offices/<int:office_pk>/audit-log/", audit.audit_log, name="audit_log"),
]
