"""The notice-and-action state machine, as data: the states of each kind of case and the
transitions allowed between them. :mod:`moderation.services` is the only code that moves a
case from one state to another, and it asks :func:`transition` first.

Takedown notice (Regulation on the Protection of the Right to Network Dissemination of
Information, Art. 14–17; DSA Art. 16)::

    received ─start_review→ in_review ─accept→ accepted ─restore→ restored
        └──────────accept / reject──────────┘   └reject→ rejected ─reverse→ accepted
    duplicate ─reopen→ received   (when the notice it repeated is rejected)

Illegal-content report::

    received ─start_review→ in_review ─take_action→ action_taken ─restore→ restored
        └───────take_action / no_action────────┘  └no_action→ no_action ─reverse→ action_taken
    already_removed ─reopen→ received   (when the article comes back)

Counter-notice (Regulation Art. 16–17, Civil Code Art. 1196)::

    received ─start_review→ in_review ─accept→ waiting ─restore→ restored
        └────────accept / reject────────┘  └reject→ rejected    └keep_down→ kept_down

Request for review (DSA Art. 20): ``open ─uphold→ upheld`` or ``open ─reverse→ reversed``.

A case is created in its initial state; a notice wholly covered by an open one of the same
sender is created ``duplicate``, and a report on an article that is already taken down is
created ``already_removed``; the only way out of either is ``reopen``, made by the services
when the earlier notice is rejected or the article comes back.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class TransitionNotAllowed(Exception):
    """A transition that the workflow does not allow from the case's current state."""


class NoticeStatus(models.TextChoices):
    RECEIVED = "received", _("received")
    IN_REVIEW = "in_review", _("in review")
    ACCEPTED = "accepted", _("accepted (taken down)")
    REJECTED = "rejected", _("rejected")
    RESTORED = "restored", _("restored")
    DUPLICATE = "duplicate", _("duplicate of an open notice")


class ReportStatus(models.TextChoices):
    RECEIVED = "received", _("received")
    IN_REVIEW = "in_review", _("in review")
    ACTION_TAKEN = "action_taken", _("action taken (withdrawn)")
    NO_ACTION = "no_action", _("no action")
    RESTORED = "restored", _("restored")
    ALREADY_REMOVED = "already_removed", _("closed: already taken down")


class CounterNoticeStatus(models.TextChoices):
    RECEIVED = "received", _("received")
    IN_REVIEW = "in_review", _("in review")
    WAITING = "waiting", _("accepted, restoration scheduled")
    RESTORED = "restored", _("restored")
    KEPT_DOWN = "kept_down", _("kept down: complaint or lawsuit reported")
    REJECTED = "rejected", _("rejected")


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("open")
    UPHELD = "upheld", _("decision upheld")
    REVERSED = "reversed", _("decision reversed")


@dataclass(frozen=True)
class Transition:
    """One allowed move: ``name`` from any of ``sources`` to ``target``.

    ``decision`` transitions change what readers see or close the case; they need a
    statement of reasons (DSA Art. 17) and notify the people concerned.
    """

    name: str
    sources: tuple[str, ...]
    target: str
    label: str
    decision: bool = True


def _table(*transitions: Transition) -> dict[str, Transition]:
    return {t.name: t for t in transitions}


N, R, C, V = NoticeStatus, ReportStatus, CounterNoticeStatus, ReviewStatus

#: kind -> transition name -> Transition. The kinds are the ``Case.kind`` of each model.
WORKFLOWS: dict[str, dict[str, Transition]] = {
    "notice": _table(
        Transition("start_review", (N.RECEIVED,), N.IN_REVIEW, _("start review"), decision=False),
        Transition("accept", (N.RECEIVED, N.IN_REVIEW), N.ACCEPTED, _("accept and take down")),
        Transition("reject", (N.RECEIVED, N.IN_REVIEW), N.REJECTED, _("reject")),
        Transition("restore", (N.ACCEPTED,), N.RESTORED, _("restore the article")),
        Transition("reverse", (N.REJECTED,), N.ACCEPTED, _("reverse: take down")),
        # A duplicate goes back to the queue when the notice it repeated is rejected, so a
        # junk notice sent first under someone's address cannot bury theirs.
        Transition("reopen", (N.DUPLICATE,), N.RECEIVED, _("reopen"), decision=False),
    ),
    "report": _table(
        Transition("start_review", (R.RECEIVED,), R.IN_REVIEW, _("start review"), decision=False),
        Transition(
            "take_action", (R.RECEIVED, R.IN_REVIEW), R.ACTION_TAKEN, _("withdraw the article")
        ),
        Transition("no_action", (R.RECEIVED, R.IN_REVIEW), R.NO_ACTION, _("take no action")),
        Transition("restore", (R.ACTION_TAKEN,), R.RESTORED, _("restore the article")),
        Transition("reverse", (R.NO_ACTION,), R.ACTION_TAKEN, _("reverse: withdraw")),
        # A report closed because its article was already down is examined after all when
        # that article comes back.
        Transition("reopen", (R.ALREADY_REMOVED,), R.RECEIVED, _("reopen"), decision=False),
    ),
    "counter_notice": _table(
        Transition("start_review", (C.RECEIVED,), C.IN_REVIEW, _("start review"), decision=False),
        Transition("accept", (C.RECEIVED, C.IN_REVIEW), C.WAITING, _("accept the counter-notice")),
        Transition("reject", (C.RECEIVED, C.IN_REVIEW), C.REJECTED, _("reject")),
        Transition("keep_down", (C.WAITING,), C.KEPT_DOWN, _("keep down: complaint or lawsuit")),
        Transition("restore", (C.WAITING,), C.RESTORED, _("restore the article")),
    ),
    "review": _table(
        Transition("uphold", (V.OPEN,), V.UPHELD, _("uphold the decision")),
        Transition("reverse", (V.OPEN,), V.REVERSED, _("reverse the decision")),
    ),
}

#: kind -> state -> its label, for messages.
STATE_LABELS = {
    "notice": dict(NoticeStatus.choices),
    "report": dict(ReportStatus.choices),
    "counter_notice": dict(CounterNoticeStatus.choices),
    "review": dict(ReviewStatus.choices),
}

#: kind -> decided state -> the transition that reverses that decision on review (DSA
#: Art. 20(4)). A decision in any other state (restored, closed as a duplicate or as
#: already taken down) can no longer be reviewed here.
REVERSALS: dict[str, dict[str, str]] = {
    "notice": {N.ACCEPTED: "restore", N.REJECTED: "reverse"},
    "report": {R.ACTION_TAKEN: "restore", R.NO_ACTION: "reverse"},
}

#: States in which a case still waits for a moderator (it counts against the clock).
OPEN_STATES: dict[str, tuple[str, ...]] = {
    "notice": (N.RECEIVED, N.IN_REVIEW),
    "report": (R.RECEIVED, R.IN_REVIEW),
    "counter_notice": (C.RECEIVED, C.IN_REVIEW),
    "review": (V.OPEN,),
}


#: Audit actions that are not transitions of the table.
OTHER_ACTIONS = {
    "submit": _("submitted"),
    "close_already_removed": _("closed: already taken down"),
    "legal_action_reported": _("claimant reported a complaint or lawsuit"),
}


def action_label(kind: str, action: str) -> str:
    """The display label of an audit event's ``action`` on a ``kind`` case (``submit`` →
    提交); ``action`` itself when unknown."""
    move = WORKFLOWS.get(kind, {}).get(action)
    return str(move.label if move else OTHER_ACTIONS.get(action, action))


def transition(kind: str, state: str, name: str) -> Transition:
    """The transition ``name`` of a ``kind`` case, checked against its current ``state``.

    Raises:
        TransitionNotAllowed: ``name`` is not a transition of ``kind``, or not allowed from
            ``state``; the message says which, in the moderator's language.
    """
    table = WORKFLOWS[kind]
    if name not in table:
        raise TransitionNotAllowed(_("“%(name)s” is not an action on this case.") % {"name": name})
    move = table[name]
    if state not in move.sources:
        raise TransitionNotAllowed(
            _("Cannot %(action)s a case that is “%(state)s”.")
            % {"action": move.label, "state": STATE_LABELS[kind].get(state, state)}
        )
    return move


def allowed(kind: str, state: str) -> list[Transition]:
    """The transitions a ``kind`` case in ``state`` allows, in table order."""
    return [move for move in WORKFLOWS[kind].values() if state in move.sources]
