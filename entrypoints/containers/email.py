"""Delivering the e-mail that units of work queue in the outbox."""

from __future__ import annotations

from datetime import timedelta

from dependency_injector import containers, providers

from application.email_delivery import DeliverDueEmails, OutcomeCounter, PruneEmailHistory
from entrypoints.email_backends import build_email_sender
from entrypoints.email_worker import EmailDeliveryLoop


class EmailContainer(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()

    email_sender = providers.Singleton(build_email_sender, core.settings)
    # Overridden by the HTTP app with its metrics' counter (see entrypoints/http/conventions).
    email_outcomes: providers.Object[OutcomeCounter | None] = providers.Object(None)
    deliver_due_emails = providers.Factory(
        DeliverDueEmails,
        uow=core.uow.provider,
        sender=email_sender,
        clock=core.clock,
        on_outcome=email_outcomes,
    )
    prune_email_history = providers.Factory(
        PruneEmailHistory,
        uow=core.uow.provider,
        clock=core.clock,
        retention=providers.Callable(
            lambda d: timedelta(days=d), core.settings.provided.email_retention_days
        ),
    )
    email_delivery_loop = providers.Singleton(
        EmailDeliveryLoop,
        deliver=deliver_due_emails,
        wakeup=core.email_wakeup,
        prune=prune_email_history,
    )
