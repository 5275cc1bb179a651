#pragma once
// The AWS API models embedded at build time (see gen_model.py): per service, constant tables
// read without parsing (metadata, sorted operation names) and the compact model document.
#include <cstddef>
#include <string_view>
#include <vector>

namespace ecslocal::api::protocol {

struct ModelMetadata {
  std::string_view protocol, target_prefix, endpoint_prefix, signing_name, api_version, xml_namespace,
      service_id, json_version;
  std::string_view protocols;          // every protocol the service answers, comma-separated
  std::string_view query_compatible;   // "true": awsQueryCompatible (errors carry x-amzn-query-error)
};

struct ModelSource {
  std::string_view service;              // "ecs", "logs", ...
  std::string_view json;                 // compact model document, parsed on first use
  ModelMetadata metadata;
  const std::string_view* operations;    // sorted
  std::size_t operation_count;
};

const std::vector<ModelSource>& model_sources();

}  // namespace ecslocal::api::protocol
