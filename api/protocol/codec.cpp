#include "api/protocol/codec.hpp"

namespace ecslocal::api::protocol {

const Codec& json_codec();
const Codec& query_codec();

const std::vector<const Codec*>& all_codecs() {
  static const std::vector<const Codec*> codecs{&json_codec(), &query_codec()};
  return codecs;
}

void check_operation_input(const Route& route, Json& input, InputRules rules) {
  if (route.operation && route.operation->input) check_input(*route.operation->input, input, rules);
}

}  // namespace ecslocal::api::protocol
