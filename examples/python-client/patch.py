"""Pure helpers: a patch applied to fields exactly as the server applies it, and what the app
shows for a record: the last server state known, with the pending ops replayed on top."""


def apply_patch(fields, patch):
    result = dict(fields)
    for op in patch:
        field, current = op["field"], result.get(op["field"])
        if op["op"] == "set":
            result[field] = op["value"]
        elif op["op"] == "inc" and (current is None or (isinstance(current, (int, float)) and not isinstance(current, bool))):
            result[field] = (current or 0) + op["by"]
        elif op["op"] in ("add", "remove") and (current is None or isinstance(current, list)):
            members = list(current or [])
            if op["op"] == "add":
                members = sorted(set(members) | set(op["values"]))
            else:
                members = [value for value in members if value not in op["values"]]
            result[field] = members
    return result


def patch_of_fields(fields):
    """A create's patch: `set` for scalars, `add` for sets (a set op never carries a list)."""
    return [{"op": "add", "field": name, "values": list(value)} if isinstance(value, list)
            else {"op": "set", "field": name, "value": value} for name, value in fields.items()]


def shown(base, ops):
    """(live, fields) of a record as the app shows it."""
    live = base is not None and not base["deleted"]
    fields = dict(base["fields"]) if live else {}
    for op in ops:
        if op["kind"] == "create":
            live, fields = True, apply_patch({}, op["patch"])
        elif op["kind"] == "update" and live:
            fields = apply_patch(fields, op["patch"])
        elif op["kind"] == "delete":
            live, fields = False, {}
    return live, fields
