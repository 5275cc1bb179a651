#include "runtime/docker/url.hpp"

#include <gtest/gtest.h>

#include "runtime/labels.hpp"

namespace ecslocal::runtime {
namespace {

TEST(Url, EncodesAllButUnreservedCharacters) {
  EXPECT_EQ(url_encode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(url_encode("a b&c=d/e:f"), "a%20b%26c%3Dd%2Fe%3Af");
  EXPECT_EQ(url_encode("{\"x\":[\"y\"]}"), "%7B%22x%22%3A%5B%22y%22%5D%7D");
  EXPECT_EQ(url_encode("caf\xc3\xa9"), "caf%C3%A9");
  EXPECT_EQ(url_encode(""), "");
}

TEST(Url, FiltersAreCompactJsonWithSortedKeys) {
  Filters filters{{"type", {"container"}}, {"label", {labels::managed_filter(), "ecslocal.test=run 1"}}};
  EXPECT_EQ(filters_json(filters),
            R"({"label":["ecslocal.managed=true","ecslocal.test=run 1"],"type":["container"]})");
  EXPECT_EQ(filters_json({}), "{}");
}

TEST(Url, QueryStringEncodesFilters) {
  QueryString query;
  query.add_bool("all", true).add_filters({{"label", {labels::managed_filter()}}});
  EXPECT_EQ(query.str(), "?all=true&filters=%7B%22label%22%3A%5B%22ecslocal.managed%3Dtrue%22%5D%7D");
}

TEST(Url, QueryStringSkipsEmptyFiltersAndKeepsOrder) {
  QueryString query;
  EXPECT_EQ(query.str(), "");
  query.add_filters({});
  EXPECT_EQ(query.str(), "");
  query.add_int("t", 10).add("signal", "SIGKILL").add_bool("force", false);
  EXPECT_EQ(query.str(), "?t=10&signal=SIGKILL&force=false");
}

TEST(Url, PathSegmentsKeepImageReferenceSeparators) {
  EXPECT_EQ(path_segment("registry:5000/team/app@sha256:ab"), "registry:5000/team/app@sha256:ab");
  EXPECT_EQ(path_segment("name with space?"), "name%20with%20space%3F");
  EXPECT_EQ(path_segment("a#b"), "a%23b");
}

TEST(Url, DockerTimeParameterHasNineFractionDigits) {
  EXPECT_EQ(docker_time_param(1700000000123456789LL), "1700000000.123456789");
  EXPECT_EQ(docker_time_param(5), "0.000000005");
  EXPECT_EQ(docker_time_param(2000000000LL), "2.000000000");
}

}  // namespace
}  // namespace ecslocal::runtime
