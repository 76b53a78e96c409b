"""Parameter types shared by the API's operations, strict enough that anything the
schema accepts can be answered, and anything else gets a 422."""

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BeforeValidator, StringConstraints, WithJsonSchema

# No stored value holds a NUL character and PostgreSQL refuses one in a query, so
# text parameters exclude it in the schema and a request with one gets 422.
Text = Annotated[str, StringConstraints(pattern=r"^[^\x00]*$")]

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date_only(value: Any) -> Any:
    # pydantic would also read "0" or "1700000000" as a Unix time; the schema says
    # `format: date` (YYYY-MM-DD), so only that form is a date here.
    if isinstance(value, str) and not ISO_DATE.fullmatch(value):
        raise ValueError("a date must be written YYYY-MM-DD")
    return value


# An optional date: absent is None; the schema shows the plain date string.
OptionalDate = Annotated[
    dt.date | None,
    BeforeValidator(_iso_date_only),
    WithJsonSchema({"type": "string", "format": "date"}),
]
