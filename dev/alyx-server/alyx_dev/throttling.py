"""Alyx's throttle scopes (alyx/alyx/throttling.py): `burst` and `sustained`, per user.

Alyx's deployments default `burst` to 550/minute and leave `sustained` unset; here both are
unset unless serve.py's --throttle (or ALYX_DEV_THROTTLE) sets the burst rate, so a test run
is not slowed by a limit it does not test. Over the limit DRF answers 429 with Retry-After and
{"detail": "Request was throttled. Expected available in N seconds.", "status_code": 429}.
"""

from rest_framework.throttling import UserRateThrottle


class BurstRateThrottle(UserRateThrottle):
    scope = "burst"


class SustainedRateThrottle(UserRateThrottle):
    scope = "sustained"
