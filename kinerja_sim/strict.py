"""Strict pydantic base for every parameter block, and pydantic errors as :class:`InputError`.

Unknown keys are errors, not warnings (PolicyEngine users lose days to reforms that silently do
nothing because a key was misspelt). Every block may carry a ``reference`` (regulation or paper)
and a ``note`` (e.g. "[M] assumption"), which the code ignores and the docs print.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kinerja_sim.errors import InputError, Problem
from kinerja_sim.params import deep_merge
from kinerja_sim.yaml_safe import short

M = TypeVar("M", bound=BaseModel)


class StrictModel(BaseModel):
    """Base for parameter blocks: unknown keys are errors; ``reference``/``note`` allowed."""

    # NaN / infinity are never parameter values: they would surface later as a numpy error
    # blaming the data (issue 9)
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    reference: str | None = None
    note: str | None = None


def problems_from_validation(err: ValidationError, file: str, prefix: str = "") -> list[Problem]:
    """Turn a pydantic ``ValidationError`` into one :class:`Problem` per failing key path."""
    out = []
    for e in err.errors():
        path = ".".join(_short_key(p) for p in e["loc"])
        if prefix:
            path = f"{prefix}.{path}" if path else prefix
        msg = e["msg"]
        if e["type"] == "extra_forbidden":
            msg = "unknown key"
        elif "input" in e and e["type"] != "missing":
            msg = f"{msg}; got {short(e['input'])}"
        out.append(Problem(file=file, location=path, message=msg))
    return out


def _short_key(part: object) -> str:
    """A key path segment, cut so that a pasted blob used as a key is not echoed whole."""
    text = str(part)
    return text if len(text) <= 40 else short(text, 40)


def validate_model(model: type[M], data: Any, file: str = "<parameters>", prefix: str = "") -> M:
    """Validate ``data`` into ``model``; raise :class:`InputError` listing every problem."""
    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise InputError(problems_from_validation(err, file, prefix)) from None


def merged_params(model: type[M], defaults: dict, overrides: dict | None, file: str,
                  prefix: str) -> M:
    """Packaged defaults deep-merged with scenario overrides, then validated strictly."""
    return validate_model(model, deep_merge(defaults, overrides or {}), file, prefix)


# Parameter domains, shared by the parameter models (docs/model.md "Parameter domains"). A value
# outside its domain is an InputError naming the key path, before anything runs.
NonNegative = Annotated[float, Field(ge=0)]
Positive = Annotated[float, Field(gt=0)]
Probability = Annotated[float, Field(ge=0, le=1)]
Rating = Annotated[float, Field(ge=0, le=100)]
Period = Annotated[int, Field(ge=0, le=1000)]
