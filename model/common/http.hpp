#pragma once
// An HTTP endpoint's answer before its body (libprocess's http::Response: status and
// body text), as src/master/http.cpp and src/slave/http.cpp give it: what a test's
// http::get sees first (AWAIT_EXPECT_RESPONSE_STATUS_EQ). The bodies of /state are the
// harness's state_snapshot expectation's business.
#include <array>
#include <string>
#include <string_view>

namespace agentsim::model {

struct HttpAnswer {
  int status = 200;    // 200 OK, 307 Temporary Redirect, 503 Service Unavailable
  std::string reason;  // the body (ServiceUnavailable's text) or the redirect's Location
};

// The endpoints whose answers are modelled, on each component.
inline constexpr std::array<std::string_view, 2> kMasterHttpEndpoints{"/health", "/state"};
inline constexpr std::array<std::string_view, 2> kSlaveHttpEndpoints{"/health", "/state"};

}  // namespace agentsim::model
