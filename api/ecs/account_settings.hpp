#pragma once
// Placeholder: account settings (filled in by the account settings work).
namespace ecslocal::api::ecs {
struct AccountSettings {};
}  // namespace ecslocal::api::ecs
