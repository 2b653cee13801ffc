"""What the outbox knows about the rest of the product: each app registers its kinds of
e-mail and its reminder collectors here, from its own `notifications.py` via
`AppConfig.ready()` (the pattern of pretix's notification types and periodic tasks, and of
this project's lifecycle guards). Adding a kind or a reminder touches only the app that
owns it: no migration elsewhere, no central list.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Notification
    from .services import Message

# (context, attachments) for the mail's templates, or None when what the mail was about is
# gone or no longer makes sense (the row is then marked skipped, not sent).
Built = tuple[dict[str, Any], list[tuple[str, bytes, str]]] | None
Builder = Callable[["Notification"], Built]
Collector = Callable[[datetime.datetime], Iterable["Message"]]

# The outbox deletes sent rows after NOTIFICATION_RETENTION_DAYS (never fewer than this many
# days: the settings refuse it), and a row's dedupe key goes with it. So a collector returns
# nothing that became due longer ago than this: its reminder was written back then, and
# writing it again after the purge would send it twice.
COLLECTOR_LOOKBACK = datetime.timedelta(days=30)


@dataclass(frozen=True)
class NotificationKind:
    key: str
    label: Any  # a lazy translation
    build: Builder
    template: str = ""  # templates/emails/<template>{-subject.txt,.txt,.html}; default: key with dashes
    essential: bool = False  # cannot be switched off: without it the program cannot work
    hr_only: bool = False  # offered on the e-mail settings page to HR coordinators only
    # HR's outbox does not name the recipient: the mail goes only to people who have not
    # answered something confidential yet, so the names would tell who has.
    recipient_hidden_from_hr: bool = False

    @property
    def template_name(self) -> str:
        return self.template or self.key.replace("_", "-")


_KINDS: dict[str, NotificationKind] = {}
_COLLECTORS: dict[str, Collector] = {}


def register_kind(kind: NotificationKind) -> str:
    """Register a kind of e-mail; returns its key (the value stored in `Notification.kind`)."""
    existing = _KINDS.get(kind.key)
    if existing is not None and existing != kind:
        raise ValueError(f"Two apps register the notification kind {kind.key!r}.")
    _KINDS[kind.key] = kind
    return kind.key


def register_collector(name: str, collector: Collector) -> None:
    """Register a function that returns the messages due at a moment; the sweep runs each
    on its own, so one failing collector does not stop the others. It looks back no further
    than `COLLECTOR_LOOKBACK`."""
    _COLLECTORS[name] = collector


def kind(key: str) -> NotificationKind:
    return _KINDS[key]


def kinds() -> list[NotificationKind]:
    return list(_KINDS.values())


def kind_choices() -> list[tuple[str, Any]]:
    """`Notification.kind` choices: whatever the apps registered."""
    return [(k.key, k.label) for k in _KINDS.values()]


def essential_keys() -> frozenset[str]:
    return frozenset(k.key for k in _KINDS.values() if k.essential)


def optional_keys() -> list[str]:
    return [k.key for k in _KINDS.values() if not k.essential]


def collectors() -> dict[str, Collector]:
    return dict(_COLLECTORS)
