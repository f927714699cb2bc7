"""The fleet: a rate limiter and job slots shared through Redis by every process of an account (the ``[redis]`` extra)."""
