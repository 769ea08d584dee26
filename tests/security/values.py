"""Arguments for every parameter, read from its declared input type.

``Kind`` is what the door's type says a parameter is (an id, bounded text, a choice, a whole
number in a range, a date, a money amount, a flag, a form of fields, a bounded list). From it:

* ``valid(kind, ids)`` — a well-typed value (ids drawn from the pool the scenario attacks with);
* ``hostile(kind)`` — a hypothesis strategy of values a hostile browser sends: the wrong JSON
  type, NUL and control characters, a 1 MB string, odd unicode, huge and negative numbers,
  year 1 and 9999, dicts and lists for scalars, and the kind's own edges (one character over
  its length, one past its range).
"""

from __future__ import annotations

import datetime as dt
import enum
import random
import types
import typing
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args, get_origin

import hypothesis
from annotated_types import Ge, Gt, Interval, Le, Lt, MaxLen
from hypothesis import strategies as st
from pydantic import BaseModel
from pydantic.functional_validators import AfterValidator, BeforeValidator

from smartweb_ui.services.core import inputs
from smartweb_ui.services.core.inputs import Choices, TextRule

MEGABYTE = 1_000_000


@dataclass(frozen=True)
class Kind:
    """What a parameter is, as far as generating values goes."""

    what: str  # id | text | choice | int | date | moment | money | flag | form | list | any | name
    optional: bool = False
    max_length: int = 0  # text
    multiline: bool = False
    choices: tuple[Any, ...] = ()  # choice
    lo: int | None = None  # int
    hi: int | None = None
    fields: Mapping[str, Kind] = field(default_factory=dict)  # form
    required: frozenset[str] = frozenset()  # form
    item: Kind | None = None  # list
    members: tuple[Kind, ...] = ()  # a union of several kinds


def _validator_funcs(meta: Sequence[Any]) -> list[Callable[..., Any]]:
    return [m.func for m in meta if isinstance(m, (BeforeValidator, AfterValidator))]


def _bounds(meta: Sequence[Any]) -> tuple[int | None, int | None]:
    lo = hi = None
    for m in meta:
        if isinstance(m, Interval):
            lo = m.ge if m.ge is not None else (m.gt + 1 if m.gt is not None else lo)
            hi = m.le if m.le is not None else (m.lt - 1 if m.lt is not None else hi)
        elif isinstance(m, Ge):
            lo = int(m.ge)  # type: ignore[arg-type]
        elif isinstance(m, Gt):
            lo = int(m.gt) + 1  # type: ignore[arg-type]
        elif isinstance(m, Le):
            hi = int(m.le)  # type: ignore[arg-type]
        elif isinstance(m, Lt):
            hi = int(m.lt) - 1  # type: ignore[arg-type]
    return lo, hi


def kind_of(annotation: Any) -> Kind:
    """The kind of a declared input type (as the door's TypeAdapter validates it)."""
    if annotation == "upload":  # files: only the upload route carries them
        return Kind("upload")
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        base, *meta = get_args(annotation)
        for func in _validator_funcs(meta):
            if isinstance(func, TextRule):
                return Kind("text", max_length=func.max_length, multiline=func.multiline)
            if isinstance(func, Choices):
                return Kind("choice", choices=func.allowed)
            if func is inputs._uuid:
                return Kind("id")
            if func is inputs._optional_uuid:
                return Kind("id", optional=True)
            if func is inputs._password:
                return Kind("text", max_length=1024, multiline=True)
            if func is inputs._money:
                return Kind("money")
        if get_origin(base) in (list, tuple, set, frozenset):
            cap = next((m.max_length for m in meta if isinstance(m, MaxLen)), 10)
            return Kind("list", item=kind_of(get_args(base)[0]), hi=cap)
        if inputs._day in _validator_funcs(meta) or base is dt.date:
            return Kind("date")
        if inputs._moment in _validator_funcs(meta) or base is dt.datetime:
            return Kind("moment")
        inner = kind_of(base)
        if inner.what == "int":
            lo, hi = _bounds(meta)
            return Kind("int", lo=lo, hi=hi)
        if inputs._blank_to_none in _validator_funcs(meta):
            return Kind(inner.what, optional=True, members=inner.members)
        if any("_money" in repr(f) or "lambda" in repr(f) for f in _validator_funcs(meta)):
            return Kind("money", optional=True)  # OptionalMoney
        return inner
    if origin in (types.UnionType, typing.Union):
        members = [a for a in get_args(annotation) if a is not type(None)]
        optional = len(members) < len(get_args(annotation))
        kinds = tuple(kind_of(m) for m in members)
        if len(kinds) == 1:
            k = kinds[0]
            return Kind(**{**k.__dict__, "optional": True}) if optional else k
        return Kind("union", optional=optional, members=kinds)
    if origin is Literal:
        return Kind("choice", choices=get_args(annotation))
    if annotation is bool:
        return Kind("flag")
    if annotation is int:
        return Kind("int")
    if annotation is str:
        return Kind("name")  # setvar's var_name
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return Kind("choice", choices=tuple(m.value for m in annotation))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        fields: dict[str, Kind] = {}
        required: set[str] = set()
        for name, info in annotation.model_fields.items():
            declared = (
                typing.Annotated[(info.annotation, *info.metadata)]  # type: ignore[misc]
                if info.metadata
                else info.annotation
            )
            fields[name] = kind_of(declared)
            if info.is_required():
                required.add(name)
        return Kind("form", fields=fields, required=frozenset(required))
    if annotation is uuid.UUID:
        return Kind("id")
    if annotation is dt.date:
        return Kind("date")
    if annotation is dt.datetime:
        return Kind("moment")
    return Kind("any")


# ------------------------------------------------------------------ valid values
@dataclass
class IdPool:
    """The ids a scenario attacks with: by entity, plus all of them."""

    by_entity: Mapping[str, Sequence[str]]
    everything: Sequence[str]

    def pick(self, param: str, rng: random.Random) -> str:
        """An id for a parameter, by its name (``deal_id`` -> a deal), else any id."""
        entity = _entity_of(param)
        pool = self.by_entity.get(entity) or self.everything
        return rng.choice(list(pool)) if pool else str(uuid.uuid4())


_ENTITY_WORDS = {
    "deal": "deals",
    "lead": "leads",
    "stage": "stages",
    "task": "tasks",
    "role": "roles",
    "user": "users",
    "owner": "users",
    "assignee": "users",
    "company": "companies",
    "pipeline": "pipelines",
    "key": "views",  # delete_view(key)
    "view": "views",
    "before": "deals",
    "after": "deals",
    "member": "users",
    "product": "products",
    "proposal": "proposals",
    "campaign": "campaigns",
}


def _entity_of(param: str) -> str:
    word = param.removesuffix("_id").removesuffix("_ids").split("_")[0]
    return _ENTITY_WORDS.get(word, param)


def _text_for(name: str, max_length: int, rng: random.Random) -> str:
    if "email" in name:
        return f"attack{rng.randrange(10**6)}@example.com"[:max_length]
    if name in ("state",):
        return "TX"
    if "zip" in name:
        return "78701"
    if "phone" in name:
        return f"+1512555{rng.randrange(1000, 9999)}"
    if "password" in name:
        return "wrong-password-" + str(rng.randrange(10**6))
    return ("Attack " + str(rng.randrange(10**6)))[: max(1, max_length)]


def valid(kind: Kind, name: str, ids: IdPool, rng: random.Random) -> Any:
    """A well-typed value for a parameter of this kind."""
    what = kind.what
    if what == "id":
        return ids.pick(name, rng)
    if what == "text":
        return _text_for(name, kind.max_length, rng)
    if what == "choice":
        return rng.choice(list(kind.choices)) if kind.choices else ""
    if what == "int":
        lo = kind.lo if kind.lo is not None else 0
        hi = kind.hi if kind.hi is not None else lo + 100
        return rng.randint(lo, min(hi, lo + 100))
    if what == "date":
        return (dt.date.today() + dt.timedelta(days=rng.randint(-60, 60))).isoformat()
    if what == "moment":
        return (dt.datetime.now(dt.UTC) + dt.timedelta(days=rng.randint(1, 30))).isoformat()
    if what == "money":
        return str(rng.randint(100, 50_000))
    if what == "flag":
        return rng.choice([True, False])
    if what == "form":
        return {f: valid(k, f, ids, rng) for f, k in kind.fields.items()}
    if what == "list":
        assert kind.item is not None
        return [valid(kind.item, name, ids, rng) for _ in range(rng.randint(1, 3))]
    if what == "union":
        return valid(rng.choice(kind.members), name, ids, rng)
    if what == "name":
        return name
    if what == "upload":
        return [{"name": "leads.csv", "data": "name\nAcme"}]
    return "x"


# ------------------------------------------------------------------ hostile values
_DATES = ["0001-01-01", "9999-12-31", "0000-00-00", "2026-02-30", "1-1-1", "9999-12-31T23:59:59"]
_NUMBERS = [-1, -(2**63), 2**63, 2**200, 1e308, -1e308, 0.5, "NaN", "Infinity", "1e9999", "١٢"]
_WRONG_TYPES = [None, True, False, 0, -1, [], {}, ["x"], {"$ne": 1}, {"__proto__": {}}, [[[]]]]
_TRICKY_TEXT = [
    "\x00",
    "a\x00b",
    "\u202egnp.exe",
    "\ud83d\ude00" * 3,
    '=HYPERLINK("http://x")',
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "\u0000\u0007\u001b[31m",
    "\ufeff",
    "e\u0301" * 50,
    "false",
    "null",
    "../../etc/passwd",
    "TEXAS!!",
    'sec x"<b>@y',
]


def _big(n: int) -> str:
    return "A" * n


def hostile(kind: Kind, name: str = "") -> st.SearchStrategy[Any]:
    """Values a hostile browser sends for a parameter of this kind."""
    general = st.one_of(
        st.sampled_from(_WRONG_TYPES),
        st.sampled_from(_TRICKY_TEXT),
        st.sampled_from(_NUMBERS),
        st.sampled_from(_DATES),
        st.just(_big(MEGABYTE)),
        st.text(min_size=0, max_size=40),
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
        st.lists(st.text(max_size=5), max_size=3),
    )
    edges: list[st.SearchStrategy[Any]] = []
    what = kind.what
    if what == "text" and kind.max_length:
        edges.append(st.just(_big(kind.max_length + 1)))
        edges.append(st.just("x" * kind.max_length + "\x00"))
    if what == "int":
        if kind.hi is not None:
            edges.append(st.just(kind.hi + 1))
        if kind.lo is not None:
            edges.append(st.just(kind.lo - 1))
        edges.append(st.just("12,5"))
    if what == "id":
        edges.append(st.just(str(uuid.uuid4())))
        edges.append(st.just(str(uuid.UUID(int=0))))
        edges.append(st.just(_big(900_000)))
    if what == "choice":
        edges.append(st.just("invited"))
        edges.append(
            st.sampled_from([c.upper() if isinstance(c, str) else c for c in kind.choices] or [""])
        )
    if what == "flag":
        edges.append(st.sampled_from(["false", "true", 0, 1, "yes"]))
    if what == "form":
        edges.append(_hostile_form(kind))
    if what == "list":
        edges.append(st.just([str(uuid.uuid4())] * ((kind.hi or 10) + 1)))
        edges.append(st.lists(st.sampled_from(_WRONG_TYPES + _TRICKY_TEXT), max_size=4))
    if what == "name":
        edges.append(st.sampled_from(["token", "permissions", "_owner", "user_role", "router"]))
    if what in ("date", "moment"):
        edges.append(st.sampled_from(_DATES))
        edges.append(st.dates().map(dt.date.isoformat))
    if what == "money":
        edges.append(st.sampled_from(["-1", "1e30", "99999999999999999", "1,2,3", "$", "0.001"]))
    return st.one_of(*edges, general) if edges else general


def _hostile_form(kind: Kind) -> st.SearchStrategy[dict[str, Any]]:
    """A form whose fields are each hostile (or missing), sometimes with an unknown field."""
    fields = {f: st.one_of(hostile(k, f), st.just("")) for f, k in kind.fields.items()}
    base = st.fixed_dictionaries({}, optional=fields) if fields else st.just({})
    return st.one_of(base, base.map(lambda d: {**d, "is_admin": True}))


def examples(strategy: st.SearchStrategy[Any], n: int, seed: int) -> list[Any]:
    """``n`` examples of a strategy, reproducibly for ``seed``, through hypothesis's public API
    (a ``@given`` function that collects what it is given)."""
    out: list[Any] = []

    @hypothesis.settings(
        max_examples=n,
        database=None,
        phases=[hypothesis.Phase.generate],
        suppress_health_check=list(hypothesis.HealthCheck),
        deadline=None,
    )
    @hypothesis.seed(seed)
    @hypothesis.given(strategy)
    def collect(value: Any) -> None:
        out.append(value)

    collect()
    return out[:n]


def dates_sample(rng: random.Random) -> str:
    return rng.choice(_DATES)


def iso_today() -> str:
    return dt.date.today().isoformat()
