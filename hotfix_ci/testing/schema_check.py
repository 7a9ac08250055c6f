"""A fast yes/no JSON Schema check for the emulator's response contract.

jsonschema needs ~2 ms to validate one pull request (~240 ms for a page of 100), too slow
for an emulator that checks every response it sends. This compiles a schema into plain
closures, ~20x faster, that only say valid or not; :mod:`hotfix_ci.testing.contract` runs
jsonschema only on a rejected body, to explain what is wrong with it.

It implements exactly the keywords scripts/extract_github_data.py lets through (the script
refuses others), with Draft 2020-12 semantics: ``$ref`` into ``$defs``, ``type`` (a name
or a list), ``enum``, ``properties``, ``required``, ``additionalProperties``, ``items``,
``allOf``, ``anyOf``, ``oneOf``, ``not``, ``minimum``, ``maximum``, ``minLength``,
``maxLength``. ``format`` is an annotation here, as in the contract's jsonschema validators.
Keyword semantics: https://json-schema.org/draft/2020-12/json-schema-validation
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Check = Callable[[Any], bool]


class SchemaChecker:
    """Compiles schemas that share one ``$defs`` table into valid/invalid predicates.

    Each ``$defs`` entry is compiled once, on first use, and shared by every schema that
    refers to it as ``#/$defs/<name>``.
    """

    def __init__(self, defs: dict[str, Any]) -> None:
        self._defs = defs
        self._compiled: dict[str, Check] = {}

    def _ref(self, ref: str) -> Check:
        name = ref.removeprefix("#/$defs/")
        if name not in self._compiled:
            self._compiled[name] = _accept  # placeholder while a self-reference compiles
            self._compiled[name] = self.compile(self._defs[name])
        compiled = self._compiled
        if compiled[name] is not _accept:
            return compiled[name]

        def late_bound(value: Any) -> bool:  # a recursive schema: look it up when called
            return compiled[name](value)

        return late_bound

    def compile(self, schema: dict[str, Any]) -> Check:
        """A predicate that is true exactly when ``schema`` accepts the value."""
        checks: list[Check] = []
        if "$ref" in schema:
            checks.append(self._ref(schema["$ref"]))
        if "type" in schema:
            names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            checks.append(_type_check(tuple(names)))
        if "enum" in schema:
            options = tuple(schema["enum"])
            checks.append(lambda v: any(_json_equal(v, option) for option in options))
        if {"properties", "required", "additionalProperties"} & schema.keys():
            checks.append(self._object_check(schema))
        if "items" in schema:
            item = self.compile(schema["items"])
            checks.append(lambda v: not isinstance(v, list) or all(item(x) for x in v))
        checks.extend(_bounds_checks(schema))
        for keyword in ("allOf", "anyOf", "oneOf", "not"):
            if keyword in schema:
                checks.append(self._combinator(keyword, schema[keyword]))
        return _all_of(checks)

    def _object_check(self, schema: dict[str, Any]) -> Check:
        properties = {k: self.compile(sub) for k, sub in schema.get("properties", {}).items()}
        required = tuple(schema.get("required", ()))
        extra = schema.get("additionalProperties", True)
        extra_check = self.compile(extra) if isinstance(extra, dict) else None

        def check(value: Any) -> bool:
            if not isinstance(value, dict):
                return True
            for key in required:
                if key not in value:
                    return False
            for key, item in value.items():
                sub = properties.get(key)
                if sub is not None:
                    if not sub(item):
                        return False
                elif extra is False or (extra_check is not None and not extra_check(item)):
                    return False
            return True

        return check

    def _combinator(self, keyword: str, value: Any) -> Check:
        if keyword == "not":
            inner = self.compile(value)
            return lambda v: not inner(v)
        subs = [self.compile(sub) for sub in value]
        if keyword == "allOf":
            return _all_of(subs)
        if keyword == "anyOf":
            return lambda v: any(sub(v) for sub in subs)
        return lambda v: sum(1 for sub in subs if sub(v)) == 1


def _accept(value: Any) -> bool:
    return True


def _all_of(checks: list[Check]) -> Check:
    # Unrolled for the common sizes: a generator per call costs more than the checks.
    if not checks:
        return _accept
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda v: first(v) and second(v)
    return lambda v: all(check(v) for check in checks)


def _is_integer(value: Any) -> bool:
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, int) and not isinstance(value, bool)


_TYPE_TESTS: dict[str, Check] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "integer": _is_integer,
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
}


def _type_check(names: tuple[str, ...]) -> Check:
    if len(names) == 1:
        return _TYPE_TESTS[names[0]]
    if len(names) == 2 and "null" in names:  # the converted OpenAPI ``nullable``
        test = _TYPE_TESTS[names[0] if names[1] == "null" else names[1]]
        return lambda v: v is None or test(v)
    tests = tuple(_TYPE_TESTS[name] for name in names)
    return lambda v: any(test(v) for test in tests)


def _json_equal(value: Any, option: Any) -> bool:
    # JSON equality: true is not 1, 1 is 1.0 (as jsonschema's enum does it)
    return value == option and isinstance(value, bool) == isinstance(option, bool)


def _bounds_checks(schema: dict[str, Any]) -> list[Check]:
    # Only the bounds GitHub's schemas of the subset use; the extraction refuses the others.
    checks: list[Check] = []
    if "minimum" in schema:
        low = schema["minimum"]
        checks.append(lambda v: not _TYPE_TESTS["number"](v) or v >= low)
    if "maximum" in schema:
        high = schema["maximum"]
        checks.append(lambda v: not _TYPE_TESTS["number"](v) or v <= high)
    if "minLength" in schema:
        shortest: int = schema["minLength"]
        checks.append(lambda v: not isinstance(v, str) or len(v) >= shortest)
    if "maxLength" in schema:
        longest: int = schema["maxLength"]
        checks.append(lambda v: not isinstance(v, str) or len(v) <= longest)
    return checks
