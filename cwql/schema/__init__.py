"""The ConnectWise Manage field schema: which fields each endpoint's records have.

``cwql.schema.load()`` gives the bundled Manage 2025.1 schema (loaded on first
use); ``cwql.schema.load(path)`` one built for another PSA version with
``cwql schema import``. :func:`check` type-checks a parsed query against it.
Names are imported on first use, like the package's own.
"""

import typing as _typing

from .. import _lazy

if _typing.TYPE_CHECKING:
    from ._checker import check as check
    from ._checker import holds_datetimes as holds_datetimes
    from ._core import INFO_KEYS as INFO_KEYS
    from ._core import Field as Field
    from ._core import Model as Model
    from ._core import Resolved as Resolved
    from ._core import Schema as Schema
    from ._core import Unresolved as Unresolved
    from ._loader import BUNDLED_VERSION as BUNDLED_VERSION
    from ._loader import load as load
    from ._openapi import from_openapi as from_openapi
    from ._types import ArrayOf as ArrayOf
    from ._types import FieldType as FieldType
    from ._types import Ref as Ref
    from ._types import Scalar as Scalar

__getattr__, __dir__, __all__ = _lazy.attach(__name__, {
    "_checker": ["check", "holds_datetimes"],
    "_core": ["INFO_KEYS", "Field", "Model", "Resolved", "Schema", "Unresolved"],
    "_loader": ["BUNDLED_VERSION", "load"],
    "_openapi": ["from_openapi"],
    "_types": ["ArrayOf", "FieldType", "Ref", "Scalar"],
})
del _typing, _lazy
