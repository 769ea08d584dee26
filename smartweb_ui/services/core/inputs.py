"""Input types for everything that arrives from outside: event arguments, forms, webhooks.

Each type is a ``typing.Annotated`` alias that pydantic validates and converts (an id string
becomes a ``UUID``, ``"12,500"`` a ``Decimal``); bounds are part of the type, so no value
reaches a service unchecked. ``explain`` turns pydantic's errors into one human sentence.

Use them in handler signatures (the door validates every argument) and in ``Form`` models::

    async def move_deal(self, deal_id: Id, to_stage_id: Id, position: Index) -> Events: ...

    class CallForm(Form):
        duration: Minutes = 0
        outcome: Annotated[str, Choices(CALL_OUTCOMES)]
        notes: LongText = ""
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from annotated_types import Interval
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Strict,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .dates import MAX_YEAR, MIN_YEAR, in_range
from .money import parse_money
from .text import has_control_chars


# ------------------------------------------------------------------ building blocks
@dataclass(frozen=True)
class Label:
    """The name a person knows the field by, used in error messages."""

    text: str


@dataclass(frozen=True)
class TextRule:
    """Text of at most ``max_length`` characters, trimmed, with no control characters."""

    max_length: int
    multiline: bool = False
    strip: bool = True  # False for what an input shows back while the person types (search)

    def __call__(self, value: Any) -> str:
        if not isinstance(value, str):
            raise PydanticCustomError("text_type", "must be text")
        text = unicodedata.normalize("NFC", value)
        text = text.strip() if self.strip else text
        if has_control_chars(text, multiline=self.multiline):
            raise PydanticCustomError("text_control", "contains characters that can't be stored")
        if len(text) > self.max_length:
            raise PydanticCustomError(
                "text_too_long",
                "is too long ({max_length} characters at most)",
                {"max_length": f"{self.max_length:,}"},
            )
        return text


@dataclass(frozen=True)
class Choices:
    """One of a fixed set of string values (an enum's values, a dict's keys)."""

    allowed: tuple[str, ...]

    def __init__(self, allowed: Iterable[Any]) -> None:
        values = tuple(str(getattr(v, "value", v)) for v in allowed)
        object.__setattr__(self, "allowed", values)

    def __call__(self, value: Any) -> str:
        if not isinstance(value, str) or value not in self.allowed:
            raise PydanticCustomError("choice", "is not one of the options")
        return value


def _uuid(value: Any) -> UUID:
    if isinstance(value, UUID):
        return value
    if not isinstance(value, str) or len(value) > 64:
        raise PydanticCustomError("id", "does not exist")
    try:
        return UUID(value)
    except ValueError:
        raise PydanticCustomError("id", "does not exist") from None


def _optional_uuid(value: Any) -> UUID | None:
    return None if value in (None, "") else _uuid(value)


def _whole_number(value: Any) -> Any:
    if isinstance(value, bool):
        raise PydanticCustomError("int_type", "must be a whole number")
    if isinstance(value, str):
        value = value.strip().replace(",", "")
        if value == "":
            raise PydanticCustomError("missing_number", "is required")
    return value


def _day(value: date) -> date:
    if isinstance(value, datetime) or not in_range(value):
        raise PydanticCustomError(
            "date_range", "must be a date between {lo} and {hi}", {"lo": MIN_YEAR, "hi": MAX_YEAR}
        )
    return value


def _day_input(value: Any) -> Any:
    if isinstance(value, datetime):
        raise PydanticCustomError("date_type", "must be a date")
    return value


def _moment(value: datetime) -> datetime:
    if not in_range(value.date()):
        raise PydanticCustomError(
            "date_range", "must be a date between {lo} and {hi}", {"lo": MIN_YEAR, "hi": MAX_YEAR}
        )
    return value


def _money(value: Any) -> Decimal:
    from .errors import Invalid

    try:
        return parse_money(value, "amount")
    except Invalid as exc:
        raise PydanticCustomError("money", "must be an amount, like 12500 or 12500.50") from exc


def _password(value: Any) -> str:
    """Passwords are taken as typed (never trimmed), up to a sane length, without NULs."""
    if not isinstance(value, str):
        raise PydanticCustomError("text_type", "must be text")
    if "\x00" in value:
        raise PydanticCustomError("text_control", "contains characters that can't be stored")
    if len(value) > 1024:
        raise PydanticCustomError("text_too_long", "is too long (1,024 characters at most)")
    return value


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def bounded(lo: int, hi: int) -> Any:
    """``Annotated[int, bounded(0, 100)]``: a whole number in [lo, hi]."""
    return Interval(ge=lo, le=hi)


# ------------------------------------------------------------------ the vocabulary
Id = Annotated[UUID, BeforeValidator(_uuid)]
OptionalId = Annotated[UUID | None, BeforeValidator(_optional_uuid)]
Flag = Annotated[bool, Strict()]

Name = Annotated[str, BeforeValidator(TextRule(200))]
ShortText = Annotated[str, BeforeValidator(TextRule(100))]
Search = Annotated[str, BeforeValidator(TextRule(100, strip=False))]
Line = Annotated[str, BeforeValidator(TextRule(500))]
LongText = Annotated[str, BeforeValidator(TextRule(20_000, multiline=True))]
Key = Annotated[str, BeforeValidator(TextRule(64))]  # a view key, a chart name, a tab
Password = Annotated[str, BeforeValidator(_password)]

WholeNumber = Annotated[int, BeforeValidator(_whole_number)]
Index = Annotated[int, BeforeValidator(_whole_number), Interval(ge=0, le=1_000_000)]
Minutes = Annotated[int, BeforeValidator(_whole_number), Interval(ge=0, le=1440)]
Percent = Annotated[int, BeforeValidator(_whole_number), Interval(ge=0, le=100)]

Day = Annotated[date, BeforeValidator(_day_input), AfterValidator(_day)]
OptionalDay = Annotated[Day | None, BeforeValidator(_blank_to_none)]
Moment = Annotated[datetime, AfterValidator(_moment)]
Money = Annotated[Decimal, BeforeValidator(_money)]
OptionalMoney = Annotated[
    Decimal | None, BeforeValidator(lambda v: None if _blank_to_none(v) is None else _money(v))
]


class Form(BaseModel):
    """A submitted form: unknown fields are refused, blank optional fields take their default."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _blanks_are_defaults(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            raise PydanticCustomError("form_type", "is not a form")
        out = {}
        for key, value in data.items():
            field = cls.model_fields.get(str(key))
            blank = value is None or (isinstance(value, str) and not value.strip())
            if blank and field is not None:
                continue  # optional: its default; required: "is required"
            out[key] = value
        return out


# ------------------------------------------------------------------ messages
_GENERIC = {
    "missing": "is required",
    "missing_argument": "is required",
    "string_type": "must be text",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "bool_type": "must be yes or no",
    "bool_parsing": "must be yes or no",
    "date_parsing": "must be a date like 2026-03-31",
    "date_from_datetime_parsing": "must be a date like 2026-03-31",
    "date_type": "must be a date",
    "datetime_parsing": "must be a date and time",
    "datetime_from_date_parsing": "must be a date and time",
    "datetime_type": "must be a date and time",
    "enum": "is not one of the options",
    "literal_error": "is not one of the options",
    "extra_forbidden": "is not a field of this form",
    "list_type": "must be a list",
    "dict_type": "is not valid",
    "model_type": "is not valid",
    "too_long": "has too many items",
}


def _label(loc: tuple[Any, ...], labels: Mapping[str, str]) -> str:
    name = ".".join(str(part) for part in loc if not isinstance(part, int)) or "value"
    if name in labels:
        return labels[name]
    return name.split(".")[-1].removesuffix("_id").replace("_", " ").capitalize()


def explain(error: ValidationError, labels: Mapping[str, str] | None = None, name: str = "") -> str:
    """The first problem of a validation error, as a sentence ("Duration must be at most 1440.").

    ``name`` is the argument the error belongs to (a form's errors name the field themselves);
    ``labels`` maps argument or field names to the words a person knows them by.
    """
    first = error.errors(include_url=False)[0]
    kind = first.get("type", "")
    loc = tuple(first.get("loc", ())) or ((name,) if name else ())
    label = _label(loc, labels or {})
    if kind == "id":
        return f"That {label.lower()} no longer exists."
    ctx = first.get("ctx") or {}
    if kind in ("greater_than_equal", "greater_than"):
        return f"{label} must be at least {ctx.get('ge', ctx.get('gt'))}."
    if kind in ("less_than_equal", "less_than"):
        return f"{label} must be at most {ctx.get('le', ctx.get('lt'))}."
    message = _GENERIC.get(kind) or first.get("msg", "is not valid")
    if kind in ("string_too_long",):
        message = f"is too long ({ctx.get('max_length', '?')} characters at most)"
    return f"{label} {message}."
