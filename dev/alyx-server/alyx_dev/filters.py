"""The `django` query parameter that every Alyx list endpoint accepts.

`?django=text__icontains,CRITICAL,~object_id,<uuid>` becomes
`.filter(text__icontains="CRITICAL").exclude(object_id=<uuid>)`. The rules follow BaseFilterSet
and _custom_filter_parser in Alyx's alyx/base.py: comma-separated `lookup,value` pairs, commas
inside () or [] do not split, a leading ~ excludes, and values are converted ("None" -> None,
true/false -> bool, digits with at most one dot -> float, bracketed -> Python literal).

Where Alyx answers 500 (odd number of items, unknown field, unparsable value) this server
answers 400 with the reason, which is what a client can act on.
"""

import ast

from django.core.exceptions import FieldError
from django.core.exceptions import ValidationError as DjangoValidationError
from django_filters import rest_framework as filters
from rest_framework.exceptions import ValidationError

_CLOSING = {"(": ")", "[": "]"}


def split_outside_brackets(value: str) -> list[str]:
    """Split on commas that are not inside () or [] (nesting allowed)."""
    parts, word, expected_closers = [], "", []
    for char in value:
        if char == "," and not expected_closers:
            parts.append(word)
            word = ""
            continue
        if char in _CLOSING:
            expected_closers.append(_CLOSING[char])
        elif expected_closers and char == expected_closers[-1]:
            expected_closers.pop()
        word += char
    parts.append(word)
    return parts


def convert_value(text: str):
    """Turn one query-string value into the Python value Alyx would filter with."""
    if text == "None":
        return None
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    if text.replace(".", "", 1).isdigit():
        return float(text)
    if text.startswith(("(", "[")) and text.endswith((")", "]")):
        try:
            return ast.literal_eval(text)
        except (ValueError, SyntaxError):
            raise ValidationError({"django": [f'Not a list or tuple of literals: "{text}"']})
    return text


def parse_django_filter(value: str) -> dict:
    """Parse "lookup,value,lookup,value" into {lookup: converted value}."""
    items = split_outside_brackets(value)
    if len(items) % 2:
        raise ValidationError(
            {"django": [f'Expected "lookup,value" pairs, got {len(items)} items in "{value}"']}
        )
    lookups = {}
    for lookup, text in zip(items[::2], items[1::2]):
        if lookup in lookups:
            raise ValidationError({"django": [f'Duplicated fields in "{value}"']})
        lookups[lookup] = convert_value(text)
    return lookups


class BaseFilterSet(filters.FilterSet):
    """A FilterSet with Alyx's `django` parameter; subclasses add the model's simple filters."""

    django = filters.CharFilter(method="filter_django")

    def filter_django(self, queryset, _name, value):
        try:
            for lookup, converted in parse_django_filter(value).items():
                if lookup.startswith("~"):
                    queryset = queryset.exclude(**{lookup[1:]: converted})
                else:
                    queryset = queryset.filter(**{lookup: converted})
        except (FieldError, DjangoValidationError, ValueError, TypeError) as error:
            raise ValidationError({"django": [str(error)]})
        # Lookups across many-to-many relations can repeat rows.
        return queryset.distinct()
