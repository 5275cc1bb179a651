#include "api/protocol/form.hpp"

#include <gtest/gtest.h>

#include "api/protocol/timestamp.hpp"
#include "api/protocol/xml_writer.hpp"

namespace ecslocal::api::protocol {
namespace {

TEST(Form, DecodesPairsPlusAndPercentEscapes) {
  FormParams p;
  ASSERT_TRUE(decode_form("Action=CreateRole&Version=2010-05-08&Doc=%7B%22a%22%3A+1%7D&Empty=&Flag", p));
  EXPECT_EQ(p.at("Action"), "CreateRole");
  EXPECT_EQ(p.at("Doc"), "{\"a\": 1}");
  EXPECT_EQ(p.at("Empty"), "");
  EXPECT_EQ(p.at("Flag"), "");
  EXPECT_EQ(p.size(), 5u);
}

TEST(Form, RefusesBrokenPercentEscapes) {
  for (const char* bad : {"A=%", "A=%4", "A=%G1", "%zz=1"}) {
    FormParams p;
    EXPECT_FALSE(decode_form(bad, p)) << bad;
  }
}

TEST(Form, UrlEncodeKeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(url_encode("{\"Effect\": \"Allow\"}+a~b_c.d-e/"), "%7B%22Effect%22%3A%20%22Allow%22%7D%2Ba~b_c.d-e%2F");
  FormParams p;
  ASSERT_TRUE(decode_form("X=" + url_encode("a b+c&d=é"), p));
  EXPECT_EQ(p.at("X"), "a b+c&d=é");
}

TEST(Timestamp, FormatsIso8601InUtc) {
  EXPECT_EQ(iso8601(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(iso8601(1795190400), "2026-11-20T16:00:00Z");
  EXPECT_EQ(iso8601(1795190400.25, true), "2026-11-20T16:00:00.250Z");
  EXPECT_EQ(iso8601(951782400), "2000-02-29T00:00:00Z");
}

TEST(Timestamp, ParsesIso8601WithZoneAndEpochSeconds) {
  EXPECT_EQ(parse_timestamp("2026-11-20T16:00:00Z"), 1795190400.0);
  EXPECT_EQ(parse_timestamp("2026-11-20T17:30:00+01:30"), 1795190400.0);
  EXPECT_EQ(parse_timestamp("2026-11-20T16:00:00.5Z"), 1795190400.5);
  EXPECT_EQ(parse_timestamp("1795190400"), 1795190400.0);
  EXPECT_FALSE(parse_timestamp("2026-13-01T00:00:00Z"));
  EXPECT_FALSE(parse_timestamp("yesterday"));
  EXPECT_FALSE(parse_timestamp("2026-11-20T16:00:00Zjunk"));
}

TEST(XmlWriter, EscapesTextAndClosesOpenElements) {
  XmlWriter w;
  w.open("Root", "https://x/doc/");
  w.element("A", "<&\">\r");
  w.open("B");
  EXPECT_EQ(w.finish(), "<Root xmlns=\"https://x/doc/\"><A>&lt;&amp;&quot;&gt;&#13;</A><B></B></Root>");
}

}  // namespace
}  // namespace ecslocal::api::protocol
