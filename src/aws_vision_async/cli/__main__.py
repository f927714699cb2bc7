"""``python -m aws_vision_async.cli``: the ``aws-vision-async`` command."""

from . import main

main()
