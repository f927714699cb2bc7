"""A fleet's shared quota: Redis-backed rate limiting and job slots (the ``redis`` extra, coredis).

Import the classes from ``aws_vision_async.ratelimit``, which loads this package
on first use and says which extra to install when coredis is missing.
"""
