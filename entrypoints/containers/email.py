"""Delivering the e-mail that units of work queue in the outbox."""

from __future__ import annotations

from dependency_injector import containers, providers

from application.email_delivery import DeliverDueEmails
from entrypoints.email_backends import build_email_sender
from entrypoints.email_worker import EmailDeliveryLoop


class EmailContainer(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()

    email_sender = providers.Singleton(build_email_sender, core.settings)
    deliver_due_emails = providers.Factory(
        DeliverDueEmails, uow=core.uow.provider, sender=email_sender, clock=core.clock
    )
    email_delivery_loop = providers.Singleton(
        EmailDeliveryLoop, deliver=deliver_due_emails, wakeup=core.email_wakeup
    )
