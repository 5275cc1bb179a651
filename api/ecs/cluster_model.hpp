#pragma once
// Placeholder: the cluster entity and its registry (filled in by the clusters work).
namespace ecslocal::api::ecs {
struct ClusterRegistry {};
}  // namespace ecslocal::api::ecs
