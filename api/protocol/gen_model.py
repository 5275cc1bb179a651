#!/usr/bin/env python3
"""Build-time generator: turns the AWS API models (botocore's data: Debian 13's python3-botocore
fetched by .ci/fetch-model, or the awscli package's)
into compact C++ sources (documentation stripped): constant tables of each service's metadata
and operation names, and a compact document that ecslocal parses on a service's first use.

usage: gen_model.py MODEL_DIR OUT_CPP service[:name] ...
       gen_model.py --inputs MODEL_DIR service[:name] ...   (the model files read, for CMake)

Only facts the emulator needs are kept: metadata, the operation list with input,
output and errors, and each shape's type, members, required list, enum values,
constraints and exception flags. Nothing of AWS's prose reaches the build output.
"""
import gzip
import json
import os
import sys

KEEP_SHAPE_KEYS = ("type", "required", "enum", "min", "max", "exception", "fault",
                   "error", "timestampFormat", "flattened", "locationName", "xmlNamespace")
KEEP_MEMBER_KEYS = ("shape", "locationName", "flattened", "xmlNamespace", "queryName",
                    "xmlAttribute", "idempotencyToken")


def find_model(model_dir, service):
    """The service-2.json (or .json.gz) of the newest API version of `service` under model_dir."""
    base = os.path.join(model_dir, service)
    versions = sorted(v for v in os.listdir(base) if os.path.isdir(os.path.join(base, v)))
    if not versions:
        raise SystemExit(f"gen_model.py: no model for {service} under {base}")
    for name in ("service-2.json", "service-2.json.gz"):
        path = os.path.join(base, versions[-1], name)
        if os.path.exists(path):
            return path
    raise SystemExit(f"gen_model.py: no service-2.json for {service} under {base}/{versions[-1]}")


def load_model(model_dir, service):
    path = find_model(model_dir, service)
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return json.load(f)


def print_inputs(model_dir, items):
    """--inputs: the files generation reads, ';'-separated for CMake's DEPENDS, and the service
    folders whose listing picks the newest version (a new version folder must re-configure)."""
    files, folders = [], []
    for item in items:
        service = item.partition(":")[0]
        files.append(find_model(model_dir, service))
        folders.append(os.path.join(model_dir, service))
    print(";".join(files + ["|"] + folders), end="")


# Protocols AWS added to a service after the model the build reads (botocore 1.37, early 2025):
# CloudWatch answers JSON 1.0 (query-compatible) and Smithy RPC v2 CBOR since mid-2025, and
# current clients send those (botocore 1.39+ and the JS SDK v3 JSON 1.0; newer Go SDKs CBOR).
# The facts are those of botocore 1.43's cloudwatch model metadata. Applied only to a model
# without them; "protocol" stays the model's own (what Debian's CLI sends).
LATER_PROTOCOLS = {
    "monitoring": {"protocols": ["smithy-rpc-v2-cbor", "json", "query"],
                   "targetPrefix": "GraniteServiceVersion20100801", "jsonVersion": "1.0",
                   "awsQueryCompatible": {}},
}


def with_later_protocols(metadata):
    later = LATER_PROTOCOLS.get(metadata.get("endpointPrefix", ""))
    if later is None or "targetPrefix" in metadata:
        return metadata
    return {**later, **metadata, "protocols": later["protocols"]}  # the later list includes the model's own


def compact(model):
    metadata = with_later_protocols(model["metadata"])
    out = {"metadata": {k: v for k, v in metadata.items()
                        if k in ("apiVersion", "endpointPrefix", "jsonVersion", "protocol",
                                 "serviceId", "signingName", "targetPrefix", "xmlNamespace",
                                 "protocols", "awsQueryCompatible")},
           "operations": {}, "shapes": {}}
    for name, op in model["operations"].items():
        entry = {}
        if "input" in op:
            entry["input"] = op["input"]["shape"]
        if "output" in op:
            entry["output"] = op["output"]["shape"]
            if "resultWrapper" in op["output"]:
                entry["resultWrapper"] = op["output"]["resultWrapper"]
        entry["errors"] = [e["shape"] for e in op.get("errors", [])]
        out["operations"][name] = entry
    for name, shape in model["shapes"].items():
        s = {k: v for k, v in shape.items() if k in KEEP_SHAPE_KEYS}
        if "members" in shape:
            s["members"] = {m: {k: v for k, v in spec.items() if k in KEEP_MEMBER_KEYS}
                            for m, spec in shape["members"].items()}
        for ref in ("member", "key", "value"):
            if ref in shape:
                s[ref] = {k: v for k, v in shape[ref].items() if k in KEEP_MEMBER_KEYS}
        out["shapes"][name] = s
    return out


def cpp_string(text):
    # Raw string literals have an implementation limit per piece; split into chunks.
    chunks = [text[i:i + 16000] for i in range(0, len(text), 16000)]
    return "\n".join('R"ECSL(' + c + ')ECSL"' for c in chunks)


def cpp_quote(text):
    return json.dumps(text)  # a JSON string literal is a valid C++ one for these ASCII names


METADATA_FIELDS = ("protocol", "targetPrefix", "endpointPrefix", "signingName", "apiVersion",
                   "xmlNamespace", "serviceId", "jsonVersion", "protocols", "awsQueryCompatible")


def main():
    if sys.argv[1] == "--inputs":
        print_inputs(sys.argv[2], sys.argv[3:])
        return
    model_dir, out_cpp = sys.argv[1], sys.argv[2]
    services = sys.argv[3:]
    lines = ["// Generated by api/protocol/gen_model.py from the AWS API models. Do not edit.",
             "// Per service: the metadata and the sorted operation names as constant tables (read",
             "// without parsing anything), and the compact model document, parsed on first use.",
             "#include \"api/protocol/model_sources.hpp\"",
             "namespace ecslocal::api::protocol {",
             "namespace {"]
    table = []
    for item in services:
        service, _, key = item.partition(":")
        key = key or service
        model = compact(load_model(model_dir, service))
        text = json.dumps(model, separators=(",", ":"), sort_keys=True)
        ident = "k_" + key.replace("-", "_")
        lines.append(f"const char {ident}[] = {cpp_string(text)};")
        ops = sorted(model["operations"])
        lines.append(f"constexpr std::string_view {ident}_ops[] = {{")
        lines.extend(f"    {cpp_quote(op)}," for op in ops)
        lines.append("};")
        meta = model["metadata"]
        meta = {**meta, "protocols": ",".join(meta.get("protocols", [meta.get("protocol", "")])),
                "awsQueryCompatible": "true" if "awsQueryCompatible" in meta else ""}
        fields = ", ".join(cpp_quote(meta.get(f, "")) for f in METADATA_FIELDS)
        table.append(f'    {{"{key}", std::string_view({ident}, sizeof({ident}) - 1), {{{fields}}}, '
                     f'{ident}_ops, {len(ops)}}},')
    lines.append("}  // namespace")
    lines.append("const std::vector<ModelSource>& model_sources() {")
    lines.append("  static const std::vector<ModelSource> sources{")
    lines.extend(table)
    lines.append("  };")
    lines.append("  return sources;")
    lines.append("}")
    lines.append("}  // namespace ecslocal::api::protocol")
    tmp = out_cpp + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, out_cpp)


if __name__ == "__main__":
    main()
