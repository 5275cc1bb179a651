// Cloud Map namespaces and operations through the gateway: the three kinds of namespace, ids and
// ARNs, CreatorRequestId idempotency, NamespaceAlreadyExists, the VPC check, filters and paging,
// updates, deletes (ResourceInUse while services remain), operations and their filters, tags.
#include <regex>

#include "tests/unit/api/servicediscovery/discovery_fixture.hpp"

namespace ecslocal::api::servicediscovery {
namespace {

TEST_F(DiscoveryTest, HttpNamespaceIsMadeAtOnceAndItsOperationSucceeded) {
  auto created = h.ok("CreateHttpNamespace", {{"Name", "shop"}, {"Description", "the shop"}, {"CreatorRequestId", "r1"}});
  const std::string op_id = created["OperationId"];
  EXPECT_TRUE(std::regex_match(op_id, std::regex("[a-z0-9]{32}-[a-z0-9]{8}"))) << op_id;
  auto op = h.ok("GetOperation", {{"OperationId", op_id}})["Operation"];
  EXPECT_EQ(op["Id"], op_id);
  EXPECT_EQ(op["Type"], "CREATE_NAMESPACE");
  EXPECT_EQ(op["Status"], "SUCCESS");
  EXPECT_EQ(op["CreateDate"], op["UpdateDate"]);
  EXPECT_DOUBLE_EQ(op["CreateDate"].get<double>(), 1'700'000'000.0);
  const std::string id = op["Targets"]["NAMESPACE"];
  EXPECT_TRUE(std::regex_match(id, std::regex("ns-[a-z0-9]{16}"))) << id;

  auto ns = h.ok("GetNamespace", {{"Id", id}})["Namespace"];
  EXPECT_EQ(ns, (Json{{"Id", id},
                      {"Arn", "arn:aws:servicediscovery:us-east-1:000000000000:namespace/" + id},
                      {"Name", "shop"},
                      {"Type", "HTTP"},
                      {"Description", "the shop"},
                      {"ServiceCount", 0},
                      {"Properties", {{"DnsProperties", Json::object()}, {"HttpProperties", {{"HttpName", "shop"}}}}},
                      {"CreateDate", 1'700'000'000.0},
                      {"CreatorRequestId", "r1"}}));
}

TEST_F(DiscoveryTest, SameCreatorRequestIdGivesTheSameOperationElseNamespaceAlreadyExists) {
  auto first = h.ok("CreateHttpNamespace", {{"Name", "shop"}, {"CreatorRequestId", "r1"}});
  auto again = h.ok("CreateHttpNamespace", {{"Name", "shop"}, {"CreatorRequestId", "r1"}});
  EXPECT_EQ(again["OperationId"], first["OperationId"]);
  auto other = h.call("CreateHttpNamespace", {{"Name", "shop"}, {"CreatorRequestId", "r2"}});
  EXPECT_EQ(other.error_type(), "NamespaceAlreadyExists");
  const std::string id = namespace_of_operation(first);
  EXPECT_EQ(other.message(), "Namespace shop already exists.");
  EXPECT_EQ(other.body["NamespaceId"], id);  // the error shape's own members
  EXPECT_EQ(other.body["CreatorRequestId"], "r1");
  // A private DNS namespace of the same name is refused as well (the name is its HttpName).
  EXPECT_EQ(h.fails("CreatePrivateDnsNamespace", {{"Name", "shop"}, {"Vpc", default_vpc()}}), "NamespaceAlreadyExists");
  EXPECT_EQ(h.ok("ListNamespaces")["Namespaces"].size(), 1u);
}

TEST_F(DiscoveryTest, PrivateDnsNamespaceNeedsAVpcOfTheEc2State) {
  auto bad = h.call("CreatePrivateDnsNamespace", {{"Name", "corp.local"}, {"Vpc", "vpc-0123456789abcdef0"}});
  EXPECT_EQ(bad.error_type(), "InvalidInput");
  EXPECT_EQ(bad.message(), "The VPC vpc-0123456789abcdef0 does not exist in us-east-1.");
  auto made = h.ok("CreatePrivateDnsNamespace",
                   {{"Name", "corp.local"},
                    {"Vpc", default_vpc()},
                    {"Properties", {{"DnsProperties", {{"SOA", {{"TTL", 60}}}}}}}});
  auto ns = h.ok("GetNamespace", {{"Id", namespace_of_operation(made)}})["Namespace"];
  EXPECT_EQ(ns["Type"], "DNS_PRIVATE");
  const std::string zone = ns["Properties"]["DnsProperties"]["HostedZoneId"];
  EXPECT_TRUE(std::regex_match(zone, std::regex("Z[A-Z0-9]{13}"))) << zone;
  EXPECT_EQ(ns["Properties"]["DnsProperties"]["SOA"], (Json{{"TTL", 60}}));
  EXPECT_EQ(ns["Properties"]["HttpProperties"]["HttpName"], "corp.local");
  EXPECT_FALSE(ns.contains("Description"));
}

TEST_F(DiscoveryTest, PublicDnsNamespaceIsStoredWithAZoneAndNamesAreChecked) {
  auto made = h.ok("CreatePublicDnsNamespace", {{"Name", "example.com"}});
  auto ns = h.ok("GetNamespace", {{"Id", namespace_of_operation(made)}})["Namespace"];
  EXPECT_EQ(ns["Type"], "DNS_PUBLIC");
  EXPECT_TRUE(ns["Properties"]["DnsProperties"].contains("HostedZoneId"));
  EXPECT_EQ(h.fails("CreatePublicDnsNamespace", {{"Name", "nodots"}}), "InvalidInput");
  EXPECT_EQ(h.fails("CreatePublicDnsNamespace", {{"Name", "-bad.example.com"}}), "InvalidInput");
  EXPECT_EQ(h.fails("CreateHttpNamespace", {{"Name", "has space"}}), "InvalidInput");
  EXPECT_EQ(h.fails("CreateHttpNamespace", {{"Name", std::string(1025, 'a')}}), "InvalidInput");  // model length
  EXPECT_EQ(h.fails("CreatePrivateDnsNamespace", {{"Name", std::string(254, 'a')}, {"Vpc", default_vpc()}}),
            "InvalidInput");
  EXPECT_EQ(h.fails("CreatePrivateDnsNamespace", {{"Name", "x.local"}}), "InvalidInput");  // Vpc is required
}

TEST_F(DiscoveryTest, GetNamespaceOfAnUnknownIdIsNamespaceNotFound) {
  auto r = h.call("GetNamespace", {{"Id", "ns-aaaaaaaaaaaaaaaa"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_type(), "NamespaceNotFound");
  EXPECT_EQ(r.message(), "No namespace exists with ID: ns-aaaaaaaaaaaaaaaa");
  EXPECT_EQ(h.fails("GetOperation", {{"OperationId", "nope"}}), "OperationNotFound");
}

TEST_F(DiscoveryTest, ListNamespacesFiltersAndPages) {
  const std::string a = http_namespace("app-one");
  const std::string b = http_namespace("app-two");
  const std::string c = private_namespace("corp.local");
  auto names = [&](Json in) {
    std::vector<std::string> out;
    const Json reply = h.ok("ListNamespaces", in);
    for (const auto& ns : reply["Namespaces"]) out.push_back(ns["Name"]);
    return out;
  };
  EXPECT_EQ(names(Json::object()), (std::vector<std::string>{"app-one", "app-two", "corp.local"}));
  EXPECT_EQ(names({{"Filters", {{{"Name", "TYPE"}, {"Values", {"DNS_PRIVATE"}}}}}}), (std::vector<std::string>{"corp.local"}));
  EXPECT_EQ(names({{"Filters", {{{"Name", "TYPE"}, {"Values", {"HTTP", "DNS_PUBLIC"}}, {"Condition", "IN"}}}}}),
            (std::vector<std::string>{"app-one", "app-two"}));
  EXPECT_EQ(names({{"Filters", {{{"Name", "NAME"}, {"Values", {"app-"}}, {"Condition", "BEGINS_WITH"}}}}}),
            (std::vector<std::string>{"app-one", "app-two"}));
  EXPECT_EQ(names({{"Filters", {{{"Name", "HTTP_NAME"}, {"Values", {"corp.local"}}, {"Condition", "EQ"}}}}}),
            (std::vector<std::string>{"corp.local"}));
  EXPECT_EQ(h.fails("ListNamespaces", {{"Filters", {{{"Name", "TYPE"}, {"Values", {"HTTP"}}, {"Condition", "BEGINS_WITH"}}}}}),
            "InvalidInput");
  EXPECT_EQ(h.fails("ListNamespaces", {{"Filters", {{{"Name", "NAME"}, {"Values", {"a", "b"}}}}}}), "InvalidInput");
  // Summaries have no CreatorRequestId.
  auto first = h.ok("ListNamespaces", {{"MaxResults", 2}});
  ASSERT_EQ(first["Namespaces"].size(), 2u);
  EXPECT_EQ(first["Namespaces"][0]["Id"], a);
  EXPECT_FALSE(first["Namespaces"][0].contains("CreatorRequestId"));
  ASSERT_TRUE(first.contains("NextToken"));
  auto second = h.ok("ListNamespaces", {{"MaxResults", 2}, {"NextToken", first["NextToken"]}});
  ASSERT_EQ(second["Namespaces"].size(), 1u);
  EXPECT_EQ(second["Namespaces"][0]["Id"], c);
  EXPECT_FALSE(second.contains("NextToken"));
  EXPECT_EQ(h.fails("ListNamespaces", {{"NextToken", "garbage"}}), "InvalidInput");
  (void)b;
}

TEST_F(DiscoveryTest, DeleteNamespaceIsRefusedWhileItHasServices) {
  const std::string ns = http_namespace("shop");
  auto s = service("cart", ns);
  EXPECT_EQ(h.ok("GetNamespace", {{"Id", ns}})["Namespace"]["ServiceCount"], 1);
  auto busy = h.call("DeleteNamespace", {{"Id", ns}});
  EXPECT_EQ(busy.error_type(), "ResourceInUse");
  EXPECT_EQ(busy.message(), "The namespace " + ns + " contains 1 service; delete them before deleting the namespace.");
  h.ok("DeleteService", {{"Id", s["Id"]}});
  auto deleted = h.ok("DeleteNamespace", {{"Id", ns}});
  auto op = h.ok("GetOperation", {{"OperationId", deleted["OperationId"]}})["Operation"];
  EXPECT_EQ(op["Type"], "DELETE_NAMESPACE");
  EXPECT_EQ(op["Targets"], (Json{{"NAMESPACE", ns}}));
  EXPECT_EQ(h.fails("GetNamespace", {{"Id", ns}}), "NamespaceNotFound");
  EXPECT_EQ(h.fails("DeleteNamespace", {{"Id", ns}}), "NamespaceNotFound");
}

TEST_F(DiscoveryTest, UpdatesChangeDescriptionAndSoaAndAreIdempotentPerUpdaterRequestId) {
  const std::string http = http_namespace("shop");
  const std::string dns = private_namespace("corp.local");
  auto u1 = h.ok("UpdateHttpNamespace", {{"Id", http}, {"UpdaterRequestId", "u1"}, {"Namespace", {{"Description", "new"}}}});
  auto u1again = h.ok("UpdateHttpNamespace", {{"Id", http}, {"UpdaterRequestId", "u1"}, {"Namespace", {{"Description", "x"}}}});
  EXPECT_EQ(u1again["OperationId"], u1["OperationId"]);
  EXPECT_EQ(h.ok("GetNamespace", {{"Id", http}})["Namespace"]["Description"], "new");
  EXPECT_EQ(h.ok("GetOperation", {{"OperationId", u1["OperationId"]}})["Operation"]["Type"], "UPDATE_NAMESPACE");
  h.ok("UpdatePrivateDnsNamespace",
       {{"Id", dns}, {"Namespace", {{"Properties", {{"DnsProperties", {{"SOA", {{"TTL", 300}}}}}}}}}});
  EXPECT_EQ(h.ok("GetNamespace", {{"Id", dns}})["Namespace"]["Properties"]["DnsProperties"]["SOA"]["TTL"], 300);
  auto wrong = h.call("UpdatePrivateDnsNamespace", {{"Id", http}, {"Namespace", {{"Description", "d"}}}});
  EXPECT_EQ(wrong.error_type(), "InvalidInput");
  EXPECT_EQ(wrong.message(), "The namespace " + http + " is an HTTP namespace, not a private DNS one.");
  EXPECT_EQ(h.fails("UpdatePublicDnsNamespace", {{"Id", "ns-none"}, {"Namespace", Json::object()}}), "NamespaceNotFound");
}

TEST_F(DiscoveryTest, ListOperationsFilters) {
  const std::string a = http_namespace("a");
  h.now += std::chrono::seconds(100);
  const std::string b = http_namespace("b");
  auto s = service("web", b);
  register_instance(s["Id"], "i-1", {{"k", "v"}});
  auto ids_of = [&](Json in) {
    std::vector<std::string> out;
    const Json reply = h.ok("ListOperations", in);
    for (const auto& op : reply["Operations"]) {
      EXPECT_EQ(op["Status"], "SUCCESS");
      out.push_back(h.ok("GetOperation", {{"OperationId", op["Id"]}})["Operation"]["Type"]);
    }
    return out;
  };
  EXPECT_EQ(ids_of(Json::object()), (std::vector<std::string>{"CREATE_NAMESPACE", "CREATE_NAMESPACE", "REGISTER_INSTANCE"}));
  EXPECT_EQ(ids_of({{"Filters", {{{"Name", "NAMESPACE_ID"}, {"Values", {a}}}}}}), (std::vector<std::string>{"CREATE_NAMESPACE"}));
  EXPECT_EQ(ids_of({{"Filters", {{{"Name", "SERVICE_ID"}, {"Values", {s["Id"]}}}}}}),
            (std::vector<std::string>{"REGISTER_INSTANCE"}));
  EXPECT_EQ(ids_of({{"Filters", {{{"Name", "TYPE"}, {"Values", {"REGISTER_INSTANCE", "DELETE_NAMESPACE"}}, {"Condition", "IN"}}}}}),
            (std::vector<std::string>{"REGISTER_INSTANCE"}));
  EXPECT_EQ(ids_of({{"Filters", {{{"Name", "STATUS"}, {"Values", {"FAIL"}}}}}}), (std::vector<std::string>{}));
  EXPECT_EQ(ids_of({{"Filters", {{{"Name", "UPDATE_DATE"}, {"Values", {"1700000050", "1700000200"}}, {"Condition", "BETWEEN"}}}}}),
            (std::vector<std::string>{"CREATE_NAMESPACE", "REGISTER_INSTANCE"}));
  EXPECT_EQ(h.fails("ListOperations", {{"Filters", {{{"Name", "UPDATE_DATE"}, {"Values", {"x", "y"}}, {"Condition", "BETWEEN"}}}}}),
            "InvalidInput");
  EXPECT_EQ(h.fails("ListOperations", {{"Filters", {{{"Name", "NAMESPACE_ID"}, {"Values", {a}}, {"Condition", "IN"}}}}}),
            "InvalidInput");
  auto page = h.ok("ListOperations", {{"MaxResults", 1}});
  EXPECT_EQ(page["Operations"].size(), 1u);
  EXPECT_TRUE(page.contains("NextToken"));
}

TEST_F(DiscoveryTest, TagsOnNamespacesAndServices) {
  const std::string ns = http_namespace("shop", {{"Tags", {{{"Key", "team"}, {"Value", "a"}}}}});
  const std::string arn = h.ok("GetNamespace", {{"Id", ns}})["Namespace"]["Arn"];
  EXPECT_EQ(h.ok("ListTagsForResource", {{"ResourceARN", arn}})["Tags"], (Json{{{"Key", "team"}, {"Value", "a"}}}));
  h.ok("TagResource", {{"ResourceARN", arn}, {"Tags", {{{"Key", "env"}, {"Value", "dev"}}}}});
  h.ok("UntagResource", {{"ResourceARN", arn}, {"TagKeys", {"team"}}});
  EXPECT_EQ(h.ok("ListTagsForResource", {{"ResourceARN", arn}})["Tags"], (Json{{{"Key", "env"}, {"Value", "dev"}}}));
  auto s = service("cart", ns, {{"Tags", {{{"Key", "x"}, {"Value", "1"}}}}});
  EXPECT_EQ(h.ok("ListTagsForResource", {{"ResourceARN", s["Arn"]}})["Tags"].size(), 1u);
  auto missing = h.call("ListTagsForResource", {{"ResourceARN", "arn:aws:servicediscovery:us-east-1:000000000000:service/srv-none"}});
  EXPECT_EQ(missing.error_type(), "ResourceNotFoundException");
  Json many = Json::array();
  for (int i = 0; i < 50; ++i) many.push_back({{"Key", "k" + std::to_string(i)}, {"Value", "v"}});
  EXPECT_EQ(h.fails("TagResource", {{"ResourceARN", arn}, {"Tags", many}}), "TooManyTagsException");  // 1 + 50
  EXPECT_EQ(h.ok("ListTagsForResource", {{"ResourceARN", arn}})["Tags"].size(), 1u);
}

TEST_F(DiscoveryTest, StateIsPerAccountAndRegion) {
  http_namespace("shop");
  auto other = h.call("ListNamespaces", Json::object(), "", "eu-west-1");
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other.body["Namespaces"].empty());
}

}  // namespace
}  // namespace ecslocal::api::servicediscovery
