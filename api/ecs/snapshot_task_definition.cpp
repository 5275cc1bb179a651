// Snapshots of task definitions: per family the revision counter and every stored revision. A
// revision keeps its identity, status, times, computed members and the echoed document, once;
// the typed view (containers, volumes, ...) is read again from that document on restore, as
// registration read it.
#include "api/ecs/snapshot.hpp"
#include "api/ecs/snapshot_types.hpp"
#include "api/ecs/task_definition_mapping.hpp"

namespace ecslocal::api::ecs {
namespace snap = ecslocal::api::snapshot;

ECSLOCAL_SNAPSHOT_ENUM(TaskDefinitionStatus,
                       {{TaskDefinitionStatus::Active, "ACTIVE"}, {TaskDefinitionStatus::Inactive, "INACTIVE"}})

Json snapshot_task_definition(const TaskDefinition& td) {
  return Json{{"arn", td.arn},
              {"revision", td.revision},
              {"status", td.status},
              {"registered_at", td.registered_at},
              {"deregistered_at", td.deregistered_at},
              {"registered_by", td.registered_by},
              {"compatibilities", td.compatibilities},
              {"requires_attributes", td.requires_attributes},
              {"document", td.document}};
}

TaskDefinition restore_task_definition(const Json& j) {
  if (!j.is_object()) throw std::runtime_error("a task definition must be an object");
  auto document = j.find("document");
  if (document == j.end() || !document->is_object()) throw std::runtime_error("a task definition needs its document");
  TaskDefinition td = task_definition_from_document(*document);
  td.arn = j.value("arn", std::string());
  td.revision = j.value("revision", 0LL);
  if (td.family.empty() || td.arn.empty() || td.revision < 1)
    throw std::runtime_error("a task definition needs a family, an ARN and a revision: " + td.arn);
  td.status = j.value("status", TaskDefinitionStatus::Active);
  td.registered_at = j.value("registered_at", td.registered_at);
  td.deregistered_at = j.value("deregistered_at", td.deregistered_at);
  td.registered_by = j.value("registered_by", std::string());
  td.compatibilities = j.value("compatibilities", td.compatibilities);
  td.requires_attributes = j.value("requires_attributes", td.requires_attributes);
  return td;
}

Json snapshot_task_definitions(const TaskDefinitionRegistry& registry) {
  Json families = Json::object();
  for (const auto& [family, has_active] : registry.families())
    families[family] = Json{{"last_revision", registry.next_revision(family) - 1}, {"revisions", Json::array()}};
  for (const TaskDefinition* td : registry.all())
    families[td->family]["revisions"].push_back(snapshot_task_definition(*td));
  return Json{{"families", std::move(families)}};
}

void restore_task_definitions(TaskDefinitionRegistry& registry, const Json& j) {
  if (!j.is_object()) throw std::runtime_error("task definitions must be an object");
  auto families = j.find("families");
  if (families == j.end()) return;
  if (!families->is_object()) throw std::runtime_error("task definition families must be an object");
  for (const auto& [family, entry] : families->items()) {
    if (!entry.is_object()) throw std::runtime_error("the family " + family + " must be an object");
    for (const auto& revision : snap::array_member(entry, "revisions")) {
      TaskDefinition td = restore_task_definition(revision);
      if (td.family != family)
        throw std::runtime_error("the task definition " + td.arn + " is not of the family " + family);
      if (registry.find(family, td.revision))
        throw std::runtime_error("the task definition " + td.arn + " appears twice");
      registry.add(std::move(td));
    }
    registry.restore_last_revision(family, entry.value("last_revision", 0LL));
  }
}

}  // namespace ecslocal::api::ecs
