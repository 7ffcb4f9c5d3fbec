"""The ports of the hexagon: what the use cases need from the outside world."""

from application.ports.clock import Clock
from application.ports.database_probe import DatabaseProbe
from application.ports.files import FileStorage
from application.ports.login_failures import LoginFailures
from application.ports.outbox import EmailOutbox, EmailSender
from application.ports.password_resets import PasswordResetTokenRepository
from application.ports.passwords import PasswordHasher
from application.ports.principals import PrincipalLookup
from application.ports.sessions import SessionRepository
from application.ports.signing import Signer
from application.ports.tokens import TokenService
from application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from application.ports.users import UserRepository

__all__ = [
    "Clock",
    "DatabaseProbe",
    "EmailOutbox",
    "EmailSender",
    "FileStorage",
    "LoginFailures",
    "PasswordHasher",
    "PasswordResetTokenRepository",
    "PrincipalLookup",
    "SessionRepository",
    "Signer",
    "TokenService",
    "UnitOfWork",
    "UnitOfWorkFactory",
    "UserRepository",
]
