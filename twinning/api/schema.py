"""OpenAPI post-processing: an example next to every query parameter that has one."""

from twinning.filters import EXAMPLES


def add_parameter_examples(result, generator, request, public):
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and "example" not in parameter and parameter["name"] in EXAMPLES:
                    example = EXAMPLES[parameter["name"]]
                    if parameter.get("schema", {}).get("type") == "array":
                        example = [example]
                    elif parameter.get("schema", {}).get("type") == "boolean":
                        example = example == "true"
                    parameter["example"] = example
    return result
