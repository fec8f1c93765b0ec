"""Limit/offset pagination with Alyx's page sizes."""

from rest_framework.pagination import LimitOffsetPagination


class LimitedLimitOffsetPagination(LimitOffsetPagination):
    """250 records a page by default (PAGE_SIZE), at most 1000 whatever ?limit= asks.

    Every list answers {"count", "next", "previous", "results"}, so clients always exercise
    pagination. Named after the class in Alyx's alyx/base.py.
    """

    max_limit = 1000
