"""Routes of the office side; collected into the "office" namespace by urls_office.py.

The prioritisation board of a round, the decision of an application (propose, approve, send, the
letter), sending every approved letter of a round, and appeals."""

from django.urls import path

from .views import decisions

urlpatterns = [
    path("rounds/<int:round_pk>/board/", decisions.board, name="board"),
    path("rounds/<int:round_pk>/board/accept/", decisions.board_accept, name="board_accept"),
    path("rounds/<int:round_pk>/send-letters/", decisions.send_letters, name="send_letters"),
    path("applications/<int:pk>/decision/", decisions.decision, name="decision"),
    path("applications/<int:pk>/decision/approve/", decisions.approve, name="decision_approve"),
    path("applications/<int:pk>/decision/send/", decisions.send, name="decision_send"),
    path("applications/<int:pk>/decision/letter/", decisions.letter, name="decision_letter"),
    path("applications/<int:pk>/appeals/new/", decisions.appeal_new, name="appeal_new"),
    path("appeals/<int:appeal_pk>/handle/", decisions.appeal_handle, name="appeal_handle"),
]
