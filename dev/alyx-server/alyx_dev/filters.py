"""The `django` query parameter that every Alyx list endpoint accepts.

`?django=text__icontains,CRITICAL,~object_id,<uuid>` becomes
`.filter(text__icontains="CRITICAL").exclude(object_id=<uuid>)`. The rules are those of
BaseFilterSet and _custom_filter_parser in Alyx's alyx/base.py: comma-separated `lookup,value`
pairs, commas inside one level of () or [] do not split, a leading ~ excludes, and values are
converted ("None" -> None, true/false -> bool, digits with at most one dot -> float, bracketed ->
a Python literal).

A malformed value is not caught, as in Alyx: an odd number of items, an unknown field or an
unparsable value reaches the exception handler, which answers 500 with the error's text
("list index out of range", "Cannot resolve keyword ..."). Lookups follow relations into other
tables too (user__auth_token__key__startswith), exactly as on Alyx.
"""

import ast

from django_filters import rest_framework as filters


def split_comma_outside_brackets(value: str) -> list[str]:
    """Split on commas outside brackets; like Alyx's, one level only (no nesting)."""
    parts, word, close_char = [], "", ""
    for char in value:
        if char == "," and close_char == "":
            parts.append(word)
            word = ""
            continue
        if char == "[":
            close_char = "]"
        elif char == "(":
            close_char = ")"
        elif char == close_char:
            close_char = ""
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
        # Alyx eval()s the text; a literal is all a list of ids or numbers needs.
        return ast.literal_eval(text)
    return text


def parse_django_filter(value: str) -> dict:
    """Parse "lookup,value,lookup,value" into {lookup: converted value}."""
    items = split_comma_outside_brackets(value)
    lookups, i = {}, 0
    while i < len(items):
        # An odd count fails here with IndexError, which Alyx answers as 500 "list index out of range".
        lookup, text = items[i], items[i + 1]
        i += 2
        if lookup in lookups:
            raise ValueError(f'Duplicated fields in "{value}"')
        lookups[lookup] = convert_value(text)
    return lookups


class BaseFilterSet(filters.FilterSet):
    """A FilterSet with Alyx's `django` parameter; subclasses add the model's simple filters."""

    django = filters.CharFilter(method="filter_django")

    def filter_django(self, queryset, _name, value):
        for lookup, converted in parse_django_filter(value).items():
            if lookup.startswith("~"):
                queryset = queryset.exclude(**{lookup[1:]: converted}).distinct()
            else:
                queryset = queryset.filter(**{lookup: converted}).distinct()
        return queryset
