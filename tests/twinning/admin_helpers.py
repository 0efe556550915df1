"""Helpers for driving admin change forms in tests: read a page's forms back as POST data."""


def _value(bound_field):
    value = bound_field.value()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return str(value)


def _add_form(data: dict, form) -> None:
    for bound_field in form:
        data[bound_field.html_name] = _value(bound_field)


def form_data(response) -> dict:
    """The POST data the admin change page in `response` would submit unchanged."""
    context = response.context
    data: dict = {}
    _add_form(data, context["adminform"].form)
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        for bound_field in formset.management_form:
            data[bound_field.html_name] = _value(bound_field)
        data[f"{formset.prefix}-TOTAL_FORMS"] = str(formset.initial_form_count())
        for form in formset.initial_forms:
            _add_form(data, form)
    return {k: v for k, v in data.items() if v != ""}


def add_inline_row(data: dict, prefix: str, **fields) -> dict:
    """Append one new row to the inline formset `prefix` in POST data from `form_data`."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    for name, value in fields.items():
        data[f"{prefix}-{index}-{name}"] = value
    return data


def errors_of(response) -> list[str]:
    """Every error message on an admin change page (form, inline forms, inline non-form errors)."""
    context = response.context
    messages = [str(m) for errors in context["adminform"].form.errors.values() for m in errors]
    for inline in context["inline_admin_formsets"]:
        messages += [str(m) for m in inline.formset.non_form_errors()]
        for form in inline.formset.forms:
            messages += [str(m) for errors in form.errors.values() for m in errors]
    return messages


def rows_by(data: dict, prefix: str, field: str) -> dict:
    """The existing rows of inline formset `prefix` in POST data from `form_data`, by a field's value:
    {value: "prefix-i"}, so a test can say `data[f"{rows['wikidata']}-value"] = ...`."""
    count = int(data[f"{prefix}-INITIAL_FORMS"])
    return {data[f"{prefix}-{i}-{field}"]: f"{prefix}-{i}" for i in range(count)}
