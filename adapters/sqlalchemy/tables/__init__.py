"""The schema as SQLAlchemy Core tables, one module per aggregate on one shared MetaData.
Alembic migrations create it; these modules mirror them.

Importing the package imports every table module, so `metadata` knows every table whichever
module was asked for (foreign keys resolve, Alembic's env and the tests see them all).
A resource adds its module with one line below.
"""

import adapters.sqlalchemy.tables.chat
import adapters.sqlalchemy.tables.files
import adapters.sqlalchemy.tables.items
import adapters.sqlalchemy.tables.login_failures
import adapters.sqlalchemy.tables.orders
import adapters.sqlalchemy.tables.outbox
import adapters.sqlalchemy.tables.password_resets
import adapters.sqlalchemy.tables.posts
import adapters.sqlalchemy.tables.products
import adapters.sqlalchemy.tables.sessions
import adapters.sqlalchemy.tables.users  # noqa: F401
from adapters.sqlalchemy.tables.metadata import metadata

__all__ = ["metadata"]
