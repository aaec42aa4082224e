"""Shared building blocks for validated parameters: strict models and bounded numbers."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Probability = Annotated[float, Field(ge=0.0, le=1.0)]
NonNegativeFloat = Annotated[float, Field(ge=0.0, allow_inf_nan=False)]
PositiveFloat = Annotated[float, Field(gt=0.0, allow_inf_nan=False)]
NonNegativeInt = Annotated[int, Field(ge=0)]
PositiveInt = Annotated[int, Field(ge=1)]
Cell = Annotated[list[NonNegativeInt], Field(min_length=2, max_length=2)]
"""A grid cell as [x, y], the way TOML writes it."""
LonLat = Annotated[list[Annotated[float, Field(ge=-180.0, le=180.0)]], Field(min_length=2, max_length=2)]
"""A place on the globe as [longitude, latitude] in degrees (east and north positive)."""


class Params(BaseModel):
    """Base for every parameter table: unknown keys and silent type coercion are errors."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)
