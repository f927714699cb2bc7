"""What the generator cannot read from the botocore models: decisions taken from the service documentation."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ImageLimit:
    """The most raw bytes an operation takes in an image member, as the documentation states it.

    Attributes:
        max_bytes: The limit, in bytes (``5 MB`` is 5 * 1024 * 1024, as the model's ``ImageBlob`` has it).
        source: The documentation page.
        quote: Its line that states the limit.
    """

    max_bytes: int
    source: str
    quote: str


@dataclass(frozen=True)
class ServiceConfig:
    """Generator settings for one service.

    Attributes:
        package: The subpackage of ``aws_vision_async`` to write.
        service_name: botocore's name of the service.
        client_class: The generated client's class name.
        base_error: The service's base exception class name.
        error_categories: Each documented error code and its category base
            (a class of ``aws_vision_async.errors``, whose ``retryable`` says
            whether the code is retried), classified from the service's error
            documentation, not from botocore's generic throttling list.
        data_path: Where the package ships the service model, relative to the
            service package, when botocore no longer has it.
        docs_file: Documentation strings kept apart from a shipped model.
        deprecation: Text of the ``DeprecationWarning`` a new client emits.
        item_models: For paginators with several parallel result keys, the name
            of the model that pairs them, and its field names per key.
        extra_paginators: Paginators botocore lacks, written as data in botocore's
            paginator format (``paginators-1``), relative to ``tools/codegen``; where
            botocore ships one for the same operation, botocore's wins (and
            ``tests/generated/test_supplements.py`` fails, so that ours is removed).
        extra_waiters: Waiters botocore lacks, written as data in botocore's
            waiter format, relative to ``tools/codegen``.
        waiter_parameters: Per waiter operation, the request members a waiter
            method takes (those that select what to wait on); by default every
            member but the paging ones.
        idempotency_tokens: Per operation, a request member the documentation (not
            the model) says makes the call idempotent, with the line quoted: the
            SDK fills it once per call, like a modelled ``idempotencyToken``, so
            a retry is safe. The generator checks the quote against the docs.
        waiter_status_messages: Per waiter operation, a JMESPath expression for
            the service's explanation of a failure state, quoted in ``WaiterFailedError``.
        client_bases: Hand-written mixins the client derives from, as
            ``(module relative to the package root, class)``: methods that do more
            than one call (``running_model``) live there, not in generated code.
        raw_bytes_shapes: Structures a client method also takes as raw ``bytes``,
            each with the member those bytes fill (``image=b"..."`` for
            ``Image(bytes=b"...")``), as ``RunningModel.detect_custom_labels`` does.
        checked_images: Structures holding image bytes, each with its bytes member: in
            every operation whose input has a member of that shape, the generated method
            checks the bytes (JPEG or PNG, at most the operation's limit) before sending,
            with ``_core.images.image_arg`` (which checks the ``Bytes`` member only).
        image_max_bytes: The raw-bytes limit of those operations.
        image_max_bytes_by_operation: Operations whose limit differs.
        model_bases: Hand-written mixins a generated model derives from, per shape, as
            ``(module relative to the package root, class)``: ``Image.from_path``.
    """

    package: str
    service_name: str
    client_class: str
    base_error: str
    error_categories: dict[str, str]
    data_path: str | None = None
    docs_file: str | None = None
    deprecation: str | None = None
    item_models: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)
    extra_paginators: str | None = None
    extra_waiters: str | None = None
    waiter_parameters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    idempotency_tokens: dict[str, tuple[str, str]] = field(default_factory=dict)
    waiter_status_messages: dict[str, str] = field(default_factory=dict)
    client_bases: tuple[tuple[str, str], ...] = ()
    raw_bytes_shapes: dict[str, str] = field(default_factory=dict)
    checked_images: dict[str, str] = field(default_factory=dict)
    image_max_bytes: ImageLimit | None = None
    image_max_bytes_by_operation: dict[str, ImageLimit] = field(default_factory=dict)
    model_bases: dict[str, tuple[str, str]] = field(default_factory=dict)


REKOGNITION = ServiceConfig(
    package="rekognition",
    service_name="rekognition",
    client_class="RekognitionClient",
    base_error="RekognitionError",
    error_categories={
        "AccessDeniedException": "AccessDeniedError",
        "ConflictException": "ConflictError",
        # "The number of in-progress human reviews you have has exceeded the number allowed."
        "HumanLoopQuotaExceededException": "QuotaExceededError",
        # A ClientRequestToken was reused with different parameters.
        "IdempotentParameterMismatchException": "ConflictError",
        "ImageTooLargeException": "InvalidRequestError",
        "InternalServerError": "TransientError",
        "InvalidImageFormatException": "InvalidRequestError",
        "InvalidManifestException": "InvalidRequestError",
        "InvalidPaginationTokenException": "InvalidRequestError",
        "InvalidParameterException": "InvalidRequestError",
        # The supplied revision id does not match the policy's latest: a lost update.
        "InvalidPolicyRevisionIdException": "ConflictError",
        "InvalidS3ObjectException": "InvalidRequestError",
        # Documented as "exceeded the maximum number of active jobs" (e.g. StartLabelDetection):
        # a quota on concurrent jobs, not a request rate, though botocore lists it as throttling.
        "LimitExceededException": "QuotaExceededError",
        "MalformedPolicyDocumentException": "InvalidRequestError",
        # "The number of requests exceeded your throughput limit": a rate, so throttling.
        "ProvisionedThroughputExceededException": "ThrottlingError",
        "ResourceAlreadyExistsException": "ConflictError",
        "ResourceInUseException": "ConflictError",
        "ResourceNotFoundException": "NotFoundError",
        # "The requested resource isn't ready" (e.g. a model version not running):
        # a state the caller must change, so retrying the same call does not help.
        "ResourceNotReadyException": "ConflictError",
        "ServiceQuotaExceededException": "QuotaExceededError",
        "SessionNotFoundException": "NotFoundError",
        "ThrottlingException": "ThrottlingError",
        "VideoTooLargeException": "InvalidRequestError",
    },
    extra_paginators="paginators/rekognition.json",
    extra_waiters="waiters/rekognition.json",
    waiter_status_messages={
        "DescribeProjectVersions": "ProjectVersionDescriptions[].StatusMessage",
        "DescribeDataset": "DatasetDescription.StatusMessage",
        "GetLabelDetection": "StatusMessage",
        "GetFaceDetection": "StatusMessage",
        "GetFaceSearch": "StatusMessage",
        "GetPersonTracking": "StatusMessage",
        "GetCelebrityRecognition": "StatusMessage",
        "GetContentModeration": "StatusMessage",
        "GetSegmentDetection": "StatusMessage",
        "GetTextDetection": "StatusMessage",
        # MediaAnalysisJobFailureDetails.Message: "Human readable error message."
        "GetMediaAnalysisJob": "FailureDetails.Message",
    },
    # A job waiter polls the job: which page of its results, and sorted how, is not the caller's choice.
    waiter_parameters={
        "GetLabelDetection": ("JobId",),
        "GetFaceDetection": ("JobId",),
        "GetFaceSearch": ("JobId",),
        "GetPersonTracking": ("JobId",),
        "GetCelebrityRecognition": ("JobId",),
        "GetContentModeration": ("JobId",),
        "GetSegmentDetection": ("JobId",),
        "GetTextDetection": ("JobId",),
    },
    # Not marked idempotencyToken in the model, but documented as such on each member.
    idempotency_tokens={
        "StartLabelDetection": (
            "ClientRequestToken",
            "If you use the same token with multiple <code>StartLabelDetection</code> requests,"
            " the same <code>JobId</code> is returned.",
        ),
        "StartFaceDetection": (
            "ClientRequestToken",
            "If you use the same token with multiple <code>StartFaceDetection</code> requests,"
            " the same <code>JobId</code> is returned.",
        ),
        "StartFaceSearch": (
            "ClientRequestToken",
            "If you use the same token with multiple <code>StartFaceSearch</code> requests,"
            " the same <code>JobId</code> is returned.",
        ),
        "StartPersonTracking": (
            "ClientRequestToken",
            "If you use the same token with multiple <code>StartPersonTracking</code> requests,"
            " the same <code>JobId</code> is returned.",
        ),
        "StartCelebrityRecognition": (
            "ClientRequestToken",
            "If you use the same token with multiple <code>StartCelebrityRecognition</code> requests,"
            " the same <code>JobId</code> is returned.",
        ),
        "StartContentModeration": (
            "ClientRequestToken",
            "If you use the same token with multiple <code>StartContentModeration</code> requests,"
            " the same <code>JobId</code> is returned.",
        ),
        "StartSegmentDetection": (
            "ClientRequestToken",
            "If you use the same token with multiple <code>StartSegmentDetection</code> requests,"
            " the same <code>JobId</code> is returned.",
        ),
        "StartTextDetection": (
            "ClientRequestToken",
            "If you use the same token with multiple <code>StartTextDetection</code> requests,"
            " the same <code>JobId</code> is returned.",
        ),
        "CreateFaceLivenessSession": (
            "ClientRequestToken",
            "If the same token is used with multiple <code>CreateFaceLivenessSession</code> requests,"
            " the same session is returned.",
        ),
    },
    client_bases=(("custom_labels", "CustomLabelsMixin"), ("video", "VideoJobsMixin")),
    raw_bytes_shapes={"Image": "Bytes"},
    # Rekognition reads JPEG and PNG only ("Amazon Rekognition supports the PNG and JPEG
    # image formats", on the page below) and refuses larger raw bytes after the upload.
    checked_images={"Image": "Bytes"},
    image_max_bytes=ImageLimit(
        5 * 1024 * 1024,
        "https://docs.aws.amazon.com/rekognition/latest/dg/limits.html",
        "The Maximum images size as raw bytes passed in as parameter to an API is 5 MB.",
    ),
    image_max_bytes_by_operation={
        "DetectProtectiveEquipment": ImageLimit(
            4 * 1024 * 1024,
            "https://docs.aws.amazon.com/rekognition/latest/dg/limits.html",
            "The limit is 4 MB for the `DetectProtectiveEquipment` API.",
        ),
        "DetectCustomLabels": ImageLimit(
            4 * 1024 * 1024,
            "https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/limits.html",
            "Maximum size of images passed as raw bytes is 4 MB.",
        ),
    },
    model_bases={"Image": ("_core.images", "ImageFile")},
    item_models={
        "ListCollections": (
            "CollectionSummary",
            {"CollectionIds": "collection_id", "FaceModelVersions": "face_model_version"},
        ),
    },
)

LOOKOUTVISION = ServiceConfig(
    package="lookoutvision",
    service_name="lookoutvision",
    client_class="LookoutVisionClient",
    base_error="LookoutVisionError",
    error_categories={
        "AccessDeniedException": "AccessDeniedError",
        "ConflictException": "ConflictError",
        # "Amazon Lookout for Vision experienced a service issue. Try your call again." (500)
        "InternalServerException": "TransientError",
        "ResourceNotFoundException": "NotFoundError",
        "ServiceQuotaExceededException": "QuotaExceededError",
        # "...temporarily unable to process the request. Try your call again." (429)
        "ThrottlingException": "ThrottlingError",
        "ValidationException": "InvalidRequestError",
    },
    data_path="data",
    docs_file="lookoutvision-docs.json",
    deprecation=(
        "Amazon Lookout for Vision reached its end of support on 2025-10-31: AWS no longer "
        "serves its API. LookoutVisionClient remains for existing code and the embedded emulator."
    ),
)

SERVICES = (REKOGNITION, LOOKOUTVISION)

#: The Smithy waiter default for ``maxDelay``; a botocore waiter's fixed delay becomes ``minDelay``.
WAITER_MAX_DELAY = 120

#: Operation name prefixes that only read: a retry cannot do their work twice.
READ_ONLY_PREFIXES = ("Describe", "List", "Get", "Detect", "Search", "Compare", "Recognize")
