"""The linter: rules over parsed queries, found in ``.cwql``, Python, YAML and JSON files.

Most users run it as ``cwql lint``; from Python, :func:`check` lints one query::

    >>> from cwql.lint import check
    >>> [(f.code, f.diagnostic.column) for f in check('summary like "printer"')]
    [('V001', 14)]

Everything else in this package is internal except the names in ``__all__``.
Those load on first use (PEP 562), so importing a light module of this
package loads neither the rules nor the parser.
"""

import typing as _typing

from .. import _lazy

if _typing.TYPE_CHECKING:
    from ._check import check as check
    from ._model import Context as Context
    from ._model import Edit as Edit
    from ._model import Family as Family
    from ._model import Finding as Finding
    from ._model import Fix as Fix
    from ._model import Problem as Problem
    from ._model import Rule as Rule
    from ._model import Settings as Settings
    from ._rules import FAMILIES as FAMILIES
    from ._rules import RULES as RULES

__getattr__, __dir__, __all__ = _lazy.attach(__name__, {
    "_check": ["check"],
    "_model": ["Context", "Edit", "Family", "Finding", "Fix", "Problem", "Rule", "Settings"],
    "_rules": ["FAMILIES", "RULES"],
})
del _typing, _lazy
