"""OpenAPI post-processing: an example next to every query parameter that has one, and the real
shapes of the CSV and GeoJSON representations (drf-spectacular would repeat the JSON schema)."""

from twinning.filters import EXAMPLES, EXAMPLES_BY_PATH


def add_parameter_examples(result, generator, request, public):
    for path, item in result.get("paths", {}).items():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                name = parameter["name"]
                example = EXAMPLES_BY_PATH.get((path, name), EXAMPLES.get(name))
                if parameter.get("in") == "query" and "example" not in parameter and example is not None:
                    if parameter.get("schema", {}).get("type") == "array":
                        example = [example]
                    elif parameter.get("schema", {}).get("type") == "boolean":
                        example = example == "true"
                    parameter["example"] = example
    return result


CSV_SCHEMA = {
    "type": "string",
    "description": "CSV, UTF-8 with a byte-order mark, one header row of fixed columns (see the getting-started "
    "section): a partial date x gives x, x_date, x_precision, x_circa; lists are joined with '; '.",
}
_NULLABLE_URI = {"type": "string", "format": "uri", "nullable": True}
GEOJSON_FEATURE = {
    "type": "object",
    "required": ["type", "geometry", "properties"],
    "properties": {
        "type": {"type": "string", "enum": ["Feature"]},
        "id": {"type": "integer"},
        "geometry": {
            "type": "object",
            "nullable": True,
            "description": "A line from the first place to the second; null unless both have coordinates.",
            "properties": {
                "type": {"type": "string", "enum": ["LineString"]},
                "coordinates": {
                    "type": "array",
                    "items": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
                },
            },
        },
        "properties": {"type": "object", "additionalProperties": True, "description": "The CSV columns of the pairing."},
    },
}
GEOJSON_COLLECTION = {
    "type": "object",
    "required": ["type", "features"],
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {"type": "array", "items": GEOJSON_FEATURE},
        "count": {"type": "integer"},
        "next": _NULLABLE_URI,
        "previous": _NULLABLE_URI,
    },
}

GEOJSON_ERRORS = {
    "type": "object",
    "description": "What was refused: messages by parameter (or `detail`), as in the JSON responses.",
    "additionalProperties": True,
}


def describe_csv_and_geojson(result, generator, request, public):
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict):
                continue
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if "text/csv" in content:
                    content["text/csv"] = {"schema": CSV_SCHEMA}
                if "application/geo+json" in content:
                    if not str(status).startswith("2"):
                        shape = GEOJSON_ERRORS  # an error is no feature
                    else:
                        shape = GEOJSON_FEATURE if path.rstrip("/").endswith("}") else GEOJSON_COLLECTION
                    content["application/geo+json"] = {"schema": shape}
    return result
