# ruff: noqa: E501, W291 - the examples are copied verbatim: long lines and trailing spaces included
"""The documentation's own example JSON Lines, copied verbatim (tabs, spacing and comments included).

Source: the Amazon Rekognition Custom Labels Developer Guide,
https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/ (page named above each
example), as published in https://github.com/awsdocs/amazon-rekognition-custom-labels-developer-guide
(doc_source/, before the repository was archived). Examples the guide formats over several
lines are JSON documents as they are; ``as_line`` makes one line of any of them.
"""

from __future__ import annotations

import json
import re

# "Image-Level labels in manifest files", step 2 of "To create a manifest file for image-level labels".
# https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/md-create-manifest-file-classification.html
IMAGE_LEVEL_LINE = """{"source-ref":"s3://custom-labels-console-us-east-1-nnnnnnnnnn/gt-job/manifest/IMG_1133.png","TestCLConsoleBucket":0,"TestCLConsoleBucket-metadata":{"confidence":0.95,"job-name":"labeling-job/testclconsolebucket","class-name":"Echo Dot","human-annotated":"yes","creation-date":"2020-04-15T20:17:23.433061","type":"groundtruth/image-classification"}}"""

# "Image-Level labels in manifest files", "Image-Level JSON Lines" (formatted for readability).
# https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/md-create-manifest-file-classification.html
IMAGE_LEVEL_SUNRISE = """{
    "source-ref": "s3://bucket/images/sunrise.png",
    "testdataset-classification_Sunrise": 1,
    "testdataset-classification_Sunrise-metadata": {
        "confidence": 1,
        "job-name": "labeling-job/testdataset-classification_Sunrise",
        "class-name": "Sunrise",
        "human-annotated": "yes",
        "creation-date": "2020-03-06T17:46:39.176",
        "type": "groundtruth/image-classification"
    }
}"""

# "Image-Level labels in manifest files", "Adding multiple image-level labels to an image"; its # comments are not JSON: see without_comments().
# https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/md-create-manifest-file-classification.html
MULTI_LABEL = """{
    "source-ref": "S3 bucket location", 
    "sport0":0, # FIRST label
    "sport0-metadata": { 
        "class-name": "football", 
        "confidence": 0.8, 
        "type":"groundtruth/image-classification", 
        "job-name": "identify-sport", 
        "human-annotated": "yes", 
        "creation-date": "2018-10-18T22:18:13.527256" 
    },
    "sport1":1, # SECOND label
    "sport1-metadata": { 
        "class-name": "ball", 
        "confidence": 0.8, 
        "type":"groundtruth/image-classification", 
        "job-name": "identify-sport", 
        "human-annotated": "yes", 
        "creation-date": "2018-10-18T22:18:13.527256" 
    }
}  # end of annotations for 1 image"""

# "Object localization in manifest files", step 2 of "To create a manifest file for object localization" (tabs included).
# https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/cd-manifest-files-object-detection.html
OBJECT_LOCALIZATION_LINE = """{"source-ref": "s3://bucket/images/IMG_1186.png", "bounding-box": {"image_size": [{"width": 640, "height": 480, "depth": 3}], "annotations": [{ "class_id": 1,	"top": 251,	"left": 399, "width": 155, "height": 101}, {"class_id": 0, "top": 65, "left": 86, "width": 220,	"height": 334}]}, "bounding-box-metadata": {"objects": [{ "confidence": 1}, {"confidence": 1}],	"class-map": {"0": "Echo",	"1": "Echo Dot"}, "type": "groundtruth/object-detection", "human-annotated": "yes",	"creation-date": "2013-11-18T02:53:27", "job-name": "my job"}}"""

# "Object localization in manifest files", "Object bounding Box JSON lines".
# https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/cd-manifest-files-object-detection.html
OBJECT_LOCALIZATION_ECHOS = """{
	"source-ref": "s3://custom-labels-bucket/images/IMG_1186.png",
	"bounding-box": {
		"image_size": [{
			"width": 640,
			"height": 480,
			"depth": 3
		}],
		"annotations": [{
			"class_id": 1,
			"top": 251,
			"left": 399,
			"width": 155,
			"height": 101
		}, {
			"class_id": 0,
			"top": 65,
			"left": 86,
			"width": 220,
			"height": 334
		}]
	},
	"bounding-box-metadata": {
		"objects": [{
			"confidence": 1
		}, {
			"confidence": 1
		}],
		"class-map": {
			"0": "Echo",
			"1": "Echo Dot"
		},
		"type": "groundtruth/object-detection",
		"human-annotated": "yes",
		"creation-date": "2013-11-18T02:53:27",
		"job-name": "my job"
	}
}"""

# "Non-Terminal JSON Line Validation Errors", ERROR_NO_LABEL_ATTRIBUTES.
# https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/tm-debugging-json-line-errors.html
NO_LABEL_ATTRIBUTES_EXAMPLE = """{
	"source-ref": "s3://custom-labels-bucket/images/IMG_1186.png",
	"bounding-box": {
		"image_size": [{
			"width": 640,
			"height": 480,
			"depth": 3
		}],
		"annotations": [{
			"class_id": 1,
			"top": 251,
			"left": 399,
			"width": 155,
			"height": 101
		}, {
			"class_id": 0,
			"top": 65,
			"left": 86,
			"width": 220,
			"height": 334
		}]
	},
	"bounding-box-metadata": {
		"objects": [{
			"confidence": 1
		}, {
			"confidence": 1
		}],
		"class-map": {
			"0": "Echo",
			"1": "Echo Dot"
		},
		"type": "groundtruth/object-detection",
		"human-annotated": "yes",
		"creation-date": "2018-10-18T22:18:13.527256",
		"job-name": "my job"
	}
}"""

# "Non-Terminal JSON Line Validation Errors", ERROR_MISSING_CLASS_MAP_ID.
# https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/tm-debugging-json-line-errors.html
MISSING_CLASS_MAP_ID_EXAMPLE = """{
	"source-ref": "s3://custom-labels-bucket/images/IMG_1186.png",
	"bounding-box": {
		"image_size": [{
			"width": 640,
			"height": 480,
			"depth": 3
		}],
		"annotations": [{
			"class_id": 1, 
			"top": 251,
			"left": 399,
			"width": 155,
			"height": 101
		}, {
			"class_id": 0,
			"top": 65,
			"left": 86,
			"width": 220,
			"height": 334
		}]
	},
	"bounding-box-metadata": {
		"objects": [{
			"confidence": 1
		}, {
			"confidence": 1
		}],
		"class-map": {
			"0": "Echo",
			"1": "Echo Dot"
		}, 
		"type": "groundtruth/object-detection",
		"human-annotated": "yes",
		"creation-date": "2018-10-18T22:18:13.527256",
		"job-name": "my job"
	}
}"""

# "Non-Terminal JSON Line Validation Errors", ERROR_INVALID_IMAGE_DIMENSION (SDK fix).
# https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/tm-debugging-json-line-errors.html
INVALID_IMAGE_DIMENSION_EXAMPLE = """{
	"source-ref": "s3://custom-labels-bucket/images/IMG_1186.png",
	"bounding-box": {
		"image_size": [{
			"width": 640,
			"height": 480,
			"depth": 3
		}],
		"annotations": [{
			"class_id": 1,
			"top": 251,
			"left": 399,
			"width": 155,
			"height": 101
		}, {
			"class_id": 0,
			"top": 65,
			"left": 86,
			"width": 220,
			"height": 334
		}]
	},
	"bounding-box-metadata": {
		"objects": [{
			"confidence": 1
		}, {
			"confidence": 1
		}],
		"class-map": {
			"0": "Echo",
			"1": "Echo Dot"
		},
		"type": "groundtruth/object-detection",
		"human-annotated": "yes",
		"creation-date": "2013-11-18T02:53:27",
		"job-name": "my job"
	}
}"""

# "Non-Terminal JSON Line Validation Errors", WARNING_UNANNOTATED_RECORD.
# https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/tm-debugging-json-line-errors.html
WARNING_UNANNOTATED_RECORD = """{
    "source-ref": "s3://bucket/images/IMG_1186.png",
    "warnings": [
        {
            "code": "WARNING_UNANNOTATED_RECORD",
            "message": "Record is unannotated."
        } 
    ]
}"""

# "Non-Terminal JSON Line Validation Errors", WARNING_NO_ANNOTATIONS.
# https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/tm-debugging-json-line-errors.html
WARNING_NO_ANNOTATIONS = """{
    "source-ref": "s3://bucket/images/IMG_1186.png",
    "bounding-box": {
        "image_size": [
            {
                "width": 640,
                "height": 480,
                "depth": 3
            }
        ],
        "annotations": [

        ],
        "warnings": [
            {
                "code": "WARNING_NO_ATTRIBUTE_ANNOTATIONS",
                "message": "No attribute annotations were found."
            }
        ]
    },
    "bounding-box-metadata": {
        "objects": [

        ],
        "class-map": {

        },
        "type": "groundtruth/object-detection",
        "human-annotated": "yes",
        "creation-date": "2013-11-18 02:53:27",
        "job-name": "my job"
    },
    "warnings": [
        {
            "code": "WARNING_NO_ANNOTATIONS",
            "message": "No annotations were found."
        } 
    ]
}"""

# "Non-Terminal JSON Line Validation Errors", WARNING_NO_ATTRIBUTE_ANNOTATIONS.
# https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/tm-debugging-json-line-errors.html
WARNING_NO_ATTRIBUTE_ANNOTATIONS = """{
    "source-ref": "s3://bucket/images/IMG_1186.png",
    "bounding-box": {
        "image_size": [
            {
                "width": 640,
                "height": 480,
                "depth": 3
            }
        ],
        "annotations": [

        ],
        "warnings": [
            {
                "code": "WARNING_NO_ATTRIBUTE_ANNOTATIONS",
                "message": "No attribute annotations were found."
            }
        ]
    },
    "bounding-box-metadata": {
        "objects": [

        ],
        "class-map": {

        },
        "type": "groundtruth/object-detection",
        "human-annotated": "yes",
        "creation-date": "2013-11-18 02:53:27",
        "job-name": "my job"
    },
    "warnings": [
        {
            "code": "WARNING_NO_ANNOTATIONS",
            "message": "No annotations were found."
        }
    ]
}"""

# "Non-Terminal JSON Line Validation Errors", ERROR_UNSUPPORTED_USE_CASE_TYPE.
# https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/tm-debugging-json-line-errors.html
UNSUPPORTED_USE_CASE_TYPE = """{
    "source-ref": "s3://bucket/test_normal_8.jpg",
    "BB": {
        "annotations": [
            {
                "left": 1768,
                "top": 1007,
                "width": 448,
                "height": 295,
                "class_id": 0
            },
            {
                "left": 1794,
                "top": 1306,
                "width": 432,
                "height": 411,
                "class_id": 1
            },
            {
                "left": 2568,
                "top": 1346,
                "width": 710,
                "height": 305,
                "class_id": 2
            },
            {
                "left": 2571,
                "top": 1020,
                "width": 644,
                "height": 312,
                "class_id": 3
            }
        ],
        "image_size": [
            {
                "width": 4000,
                "height": 2667,
                "depth": 3
            }
        ]
    },
    "BB-metadata": {
        "job-name": "labeling-job/BB",
        "class-map": {
            "0": "comparator",
            "1": "pot_resistor",
            "2": "ir_phototransistor",
            "3": "ir_led"
        },
        "human-annotated": "yes",
        "objects": [
            {
                "confidence": 1
            },
            {
                "confidence": 1
            },
            {
                "confidence": 1
            },
            {
                "confidence": 1
            }
        ],
        "creation-date": "2021-06-22T09:58:34.811Z",
        "type": "groundtruth/wrongtype",
        "cl-errors": [
            {
                "code": "ERROR_UNSUPPORTED_USE_CASE_TYPE",
                "message": "The use case type of the BB-metadata label attribute metadata is unsupported. Check the type field."
            }
        ]
    },
    "cl-metadata": {
        "is_labeled": true
    },
    "cl-errors": [
        {
            "code": "ERROR_NO_VALID_LABEL_ATTRIBUTES",
            "message": "No valid label attributes found."
        }
    ]
}"""

# "Understanding training and testing validation result manifests", "Example JSON line error" (ERROR_BOUNDING_BOX_TOO_SMALL).
# https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/tm-debugging-scope-json-line.html
BOUNDING_BOX_TOO_SMALL = """{
    "source-ref": "s3://bucket/Manifests/images/199940-1791.jpg",
    "bounding-box": {
        "image_size": [
            {
                "width": 3000,
                "height": 3000,
                "depth": 3
            }
        ],
        "annotations": [
            {
                "class_id": 1,
                "top": 0,
                "left": 0,
                "width": 1,
                "height": 1, 
                "errors": [
                    {
                        "code": "ERROR_BOUNDING_BOX_TOO_SMALL",
                        "message": "The height and width of the bounding box is too small."
                    }
                ]
            },
            {
                "class_id": 0,
                "top": 65,
                "left": 86,
                "width": 220,
                "height": 334
            }
        ]
    },
    "bounding-box-metadata": {
        "objects": [
            {
                "confidence": 1
            },
            {
                "confidence": 1
            }
        ],
        "class-map": {
            "0": "Echo",
            "1": "Echo Dot"
        },
        "type": "groundtruth/object-detection",
        "human-annotated": "yes",
        "creation-date": "2019-11-20T02:57:28.288286",
        "job-name": "my job"
    }
}"""


def without_comments(text: str) -> str:
    """The example without its ``# ...`` annotations, which the guide adds to explain it (none is inside a string)."""
    return re.sub(r"#[^\n]*", "", text)


def as_line(text: str) -> str:
    """One compact JSON Line of an example, as a manifest or ListDatasetEntries holds it."""
    return json.dumps(json.loads(text), separators=(",", ":"))


#: Every example that is a JSON object as printed.
JSON_EXAMPLES: dict[str, str] = {
    "IMAGE_LEVEL_LINE": IMAGE_LEVEL_LINE,
    "IMAGE_LEVEL_SUNRISE": IMAGE_LEVEL_SUNRISE,
    "OBJECT_LOCALIZATION_LINE": OBJECT_LOCALIZATION_LINE,
    "OBJECT_LOCALIZATION_ECHOS": OBJECT_LOCALIZATION_ECHOS,
    "NO_LABEL_ATTRIBUTES_EXAMPLE": NO_LABEL_ATTRIBUTES_EXAMPLE,
    "MISSING_CLASS_MAP_ID_EXAMPLE": MISSING_CLASS_MAP_ID_EXAMPLE,
    "INVALID_IMAGE_DIMENSION_EXAMPLE": INVALID_IMAGE_DIMENSION_EXAMPLE,
    "WARNING_UNANNOTATED_RECORD": WARNING_UNANNOTATED_RECORD,
    "WARNING_NO_ANNOTATIONS": WARNING_NO_ANNOTATIONS,
    "WARNING_NO_ATTRIBUTE_ANNOTATIONS": WARNING_NO_ATTRIBUTE_ANNOTATIONS,
    "UNSUPPORTED_USE_CASE_TYPE": UNSUPPORTED_USE_CASE_TYPE,
    "BOUNDING_BOX_TOO_SMALL": BOUNDING_BOX_TOO_SMALL,
}

#: Every example, as JSON (comments removed).
ALL_EXAMPLES: dict[str, str] = {**JSON_EXAMPLES, "MULTI_LABEL": without_comments(MULTI_LABEL)}
