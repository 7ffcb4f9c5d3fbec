from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Numeric
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

from domain.money import Money


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in and out, on every backend.

    PostgreSQL keeps `timestamptz`; SQLite has no time zones, so values are stored as naive
    UTC (microseconds kept, so they sort and compare correctly) and made aware on the way out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment: datetime = value
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class MoneyType(TypeDecorator[Money]):
    """Money in and out, exactly, on every backend.

    PostgreSQL keeps `numeric(14, 2)`. SQLite has no exact decimal type (its NUMERIC turns
    19.90 into a float), so there the amount is stored as an integer number of cents, which
    sorts and compares the same way.
    """

    impl = Numeric(14, 2, asdecimal=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(14, 2, asdecimal=True))

    def process_bind_param(self, value: Money | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, Money):
            raise TypeError("money columns take Money")
        return value.cents if dialect.name == "sqlite" else value.amount

    def process_result_value(self, value: Any, dialect: Dialect) -> Money | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return Money.of_cents(int(value))
        return Money(Decimal(value))
