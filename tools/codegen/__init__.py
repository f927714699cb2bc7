"""The code generator: botocore service models to the generated service packages."""
