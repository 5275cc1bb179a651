#include <gtest/gtest.h>
#include "server/app.hpp"
TEST(Smoke, Starts) {
  ecslocal::server::Config c; c.port = 0;
  ecslocal::server::App app(c);
  app.start();
  EXPECT_NE(app.port(), 0);
}
