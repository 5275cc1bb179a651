#include "api/sts/snapshot.hpp"

#include <stdexcept>

#include "api/common/snapshot_json.hpp"

namespace ecslocal::api::sts {
namespace snap = ecslocal::api::snapshot;

ECSLOCAL_SNAPSHOT_FIELDS(Session, access_key_id, account_id, assumed_role_arn, assumed_role_id, expiration)

Json snapshot_session(const Session& session) { return session; }

Session restore_session(const Json& snapshot) {
  Session session = snapshot.get<Session>();
  if (session.access_key_id.empty() || session.account_id.empty())
    throw std::runtime_error("a session needs an access key id and an account");
  return session;
}

Json snapshot_sts(const SessionRegistry& sessions) {
  Json all = Json::object();
  for (const auto& [key, session] : sessions.all()) all[key] = snapshot_session(session);
  return snap::document("sts", Json{{"sessions", std::move(all)}});
}

void restore_sts(SessionRegistry& sessions, const Json& snapshot) {
  snap::check_document("sts", snapshot);
  SessionRegistry fresh;
  if (auto all = snapshot.find("sessions"); all != snapshot.end()) {
    if (!all->is_object()) throw std::runtime_error("sts snapshot: member sessions is not an object");
    for (auto it = all->begin(); it != all->end(); ++it) {
      Session session = snap::reading("sts", "the session " + it.key(), [&] { return restore_session(*it); });
      if (session.access_key_id != it.key())
        throw std::runtime_error("sts snapshot: the session stored as " + it.key() + " has the key " +
                                 session.access_key_id);
      fresh.put(std::move(session));
    }
  }
  sessions = std::move(fresh);
}

}  // namespace ecslocal::api::sts
